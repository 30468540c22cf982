from bering.orgs.importing import employees_import
from bering.orgs.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = "Add the employees listed in a CSV or XLSX file (all or nothing)."
    importer = staticmethod(employees_import)
