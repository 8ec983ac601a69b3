from django.core.management.base import BaseCommand, CommandError

from samverkan.core.area_import import AreaImportError, import_areas
from samverkan.core.models import Area
from samverkan.core.params import whole_number


class Command(BaseCommand):
    help = (
        "Importera områden (kommuner, stadsdelar, RegSO/DeSO, polisområden, utsatta områden, "
        "egna områden ...) från GeoPackage, Shapefile (även zippad) eller GeoJSON, i vilket "
        "koordinatsystem filen än anger. Kan köras om: befintliga områden uppdateras, inget "
        "skapas två gånger, och en ändrad gräns sparas i gränshistoriken."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help="GeoPackage (.gpkg), Shapefile (.shp eller .zip) eller GeoJSON (.geojson, .gz)",
        )
        parser.add_argument("--level", required=True, choices=Area.Level.values)
        parser.add_argument("--layer", help="lager att läsa (GeoPackage med flera lager)")
        parser.add_argument("--code-field", required=True, help="fält med områdets kod")
        parser.add_argument("--name-field", required=True, help="fält med områdets namn")
        parser.add_argument("--population-field", help="fält med folkmängd (valfritt)")
        parser.add_argument(
            "--crs",
            help="filens koordinatsystem om den saknar eller anger fel (t.ex. EPSG:3006)",
        )
        parser.add_argument(
            "--parent-level",
            choices=Area.Level.values,
            help="nivå för överordnade områden (standard: nivån närmast ovanför)",
        )
        parser.add_argument("--parent-field", help="fält med det överordnade områdets kod")
        parser.add_argument(
            "--parent", help="kod för ett överordnat område som gäller alla områden i filen"
        )
        parser.add_argument("--country", default="SE", help="landskod, SE eller NO (standard SE)")
        parser.add_argument(
            "--code-width",
            type=whole_number(1, 20),
            help="fyll numeriska koder med inledande nollor",
        )

    def handle(self, *args, **opts):
        try:
            report = import_areas(
                opts["file"],
                level=opts["level"],
                code_field=opts["code_field"],
                name_field=opts["name_field"],
                population_field=opts["population_field"],
                layer=opts["layer"],
                crs=opts["crs"],
                parent_level=opts["parent_level"],
                parent_field=opts["parent_field"],
                parent_code=opts["parent"],
                country=opts["country"].upper(),
                code_width=opts["code_width"],
                progress=opts["verbosity"] >= 1,
            )
        except AreaImportError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.repaired + report.warnings:
            self.stderr.write(self.style.WARNING(line))
        if opts["verbosity"] >= 1:
            origin = f"lager {report.layer}, " if report.layer else ""
            self.stdout.write(f"Läst: {origin}koordinatsystem {report.source_crs[:60]}")
            for line in report.areas:
                self.stdout.write(f"  {line}")
            for line in report.relinked:
                self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.read} lästa: {report.created} nya, {report.updated} uppdaterade "
                f"({report.borders_changed} med ny gräns), {report.unchanged} oförändrade, "
                f"{len(report.repaired)} lagade geometrier."
            )
        )
