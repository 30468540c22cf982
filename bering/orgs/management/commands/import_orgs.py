from bering.orgs.importing import organizations_import
from bering.orgs.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = "Connect the organizations listed in a CSV or XLSX file (all or nothing)."
    importer = staticmethod(organizations_import)
