from django.core.management.base import BaseCommand, CommandError

from samverkan.core.area_import import AreaImportError, import_areas
from samverkan.core.models import Area


class Command(BaseCommand):
    help = (
        "Importera områden (kommuner, län, stadsdelar ...) från en GeoJSON-fil. "
        "Kan köras om: befintliga områden uppdateras, inget skapas två gånger."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON-fil (FeatureCollection, WGS84; .gz går bra)")
        parser.add_argument("--level", required=True, choices=Area.Level.values)
        parser.add_argument("--code-field", required=True, help="egenskap med områdets kod")
        parser.add_argument("--name-field", required=True, help="egenskap med områdets namn")
        parser.add_argument("--parent-level", choices=Area.Level.values)
        parser.add_argument("--parent-field", help="egenskap med det överordnade områdets kod")
        parser.add_argument("--country", default="SE", help="landskod, SE eller NO (standard SE)")
        parser.add_argument(
            "--code-width", type=int, help="fyll numeriska koder med inledande nollor"
        )

    def handle(self, *args, **opts):
        try:
            report = import_areas(
                opts["file"],
                level=opts["level"],
                code_field=opts["code_field"],
                name_field=opts["name_field"],
                parent_level=opts["parent_level"],
                parent_field=opts["parent_field"],
                country=opts["country"].upper(),
                code_width=opts["code_width"],
            )
        except AreaImportError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.repaired + report.warnings:
            self.stderr.write(self.style.WARNING(line))
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.read} lästa: {report.created} nya, {report.updated} uppdaterade, "
                f"{report.unchanged} oförändrade, {len(report.repaired)} lagade geometrier."
            )
        )
