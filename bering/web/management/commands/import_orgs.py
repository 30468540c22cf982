from functools import partial

from bering.documents.onboarding import organization_onboard
from bering.orgs.importing import organizations_import
from bering.orgs.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = "Connect the organizations listed in a CSV or XLSX file (all or nothing)."
    importer = staticmethod(partial(organizations_import, connect=organization_onboard))
