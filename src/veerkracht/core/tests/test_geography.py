"""CBS geography: the importer, the point-in-area lookup and the import command."""

import json
import random
from io import StringIO

import pytest
import shapely
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from shapely.geometry import Point, shape

from veerkracht.core import geo
from veerkracht.core.geo import (
    VERSION_CACHE_KEY,
    LocateResult,
    geography_version,
    locate,
    locate_many,
    reset_locate_index,
)
from veerkracht.core.models import (
    AreaStatistics,
    AuditRecord,
    District,
    Municipality,
    Neighbourhood,
    Province,
)
from veerkracht.core.services.geography import CbsImportError, cbs_areas_import

from .geodata import (
    CBS_GEMEENTEN_2023,
    collection,
    feature,
    feature_by_code,
    feature_index,
    geometry_dict,
    shipped_gemeenten,
    split_west_east,
    square,
    write,
)

pytestmark = pytest.mark.django_db

OSS, TILBURG = "GM0828", "GM0855"
TILBURG_STATION = (51.5606, 5.0838)  # lat, lon of Tilburg railway station
NORTH_SEA = (52.5, 3.5)


@pytest.fixture(autouse=True)
def _fresh_locate_index():
    reset_locate_index()
    yield
    reset_locate_index()


@pytest.fixture
def gemeenten(db):
    """The shipped CBS 2023 municipality layer, imported."""
    return cbs_areas_import(actor=None, path_or_data=CBS_GEMEENTEN_2023)


def _geometry(boundary):
    geometry = shape(boundary)
    return geometry if geometry.is_valid else shapely.make_valid(geometry)


def db_state() -> dict:
    """Everything the importer may write, to compare before and after."""
    return {
        "provinces": list(
            Province.objects.order_by("code").values_list(
                "code", "name", "boundary", "centroid_lat", "centroid_lon", "year", "updated_at"
            )
        ),
        "municipalities": list(
            Municipality.objects.order_by("code").values_list(
                "code",
                "name",
                "boundary",
                "centroid_lat",
                "centroid_lon",
                "year",
                "province_id",
                "updated_at",
            )
        ),
        "districts": list(District.objects.order_by("code").values_list("code", "updated_at")),
        "neighbourhoods": list(
            Neighbourhood.objects.order_by("code").values_list("code", "updated_at")
        ),
        "statistics": list(
            AreaStatistics.objects.order_by("pk").values_list(
                "pk", "level", "area_code", "year", "values", "population", "households"
            )
        ),
        "audit": list(AuditRecord.objects.order_by("pk").values_list("pk", flat=True)),
    }


def oss_districts() -> dict:
    """Two synthetic districts: the west and east halves of Oss, as a wijk layer."""
    oss = Municipality.objects.get(code=OSS)
    west, east = split_west_east(oss.boundary)
    return collection(
        feature(
            west,
            wijkcode="WK082801",
            wijknaam="Oss West",
            gemeentecode=OSS,
            jaar=2023,
            aantalInwoners=1200,
            percentageGehuwd=-99995,
        ),
        feature(
            east,
            wijkcode="WK082802",
            wijknaam="Oss Oost",
            gemeentecode=OSS,
            jaar=2023,
            aantalInwoners=800,
        ),
    )


# -- importing the shipped municipalities -------------------------------------------------


def test_import_creates_every_municipality_with_figures(gemeenten):
    features = shipped_gemeenten()["features"]
    assert len(features) == 342
    assert (gemeenten.created, gemeenten.updated, gemeenten.skipped) == (342, 0, 0)
    assert gemeenten.statistics_created == 342
    assert gemeenten.years == [2023]
    assert gemeenten.warnings == []
    assert Municipality.objects.count() == 342
    assert AreaStatistics.objects.filter(level="gemeente", year=2023).count() == 342
    assert Municipality.objects.filter(province_id="PV30").count() == 56
    assert Province.objects.get(code="PV30").name == "Noord-Brabant"
    assert Province.objects.count() == len({f["properties"]["provinciecode"] for f in features})


def test_import_keeps_boundaries_as_given_and_centroids_inside(gemeenten):
    stored = {m.code: m for m in Municipality.objects.all()}
    for item in shipped_gemeenten()["features"]:
        municipality = stored[item["properties"]["gemeentecode"]]
        assert municipality.name == item["properties"]["gemeentenaam"]
        assert municipality.boundary == item["geometry"]
        assert municipality.year == item["properties"]["jaar"]
        assert municipality.province_id == item["properties"]["provinciecode"]
        point = Point(municipality.centroid_lon, municipality.centroid_lat)
        assert _geometry(municipality.boundary).intersects(point), municipality.code


def test_import_stores_cbs_attributes_and_typed_columns(gemeenten):
    properties = feature_by_code(shipped_gemeenten(), OSS)["properties"]
    statistics = AreaStatistics.objects.get(area_code=OSS, year=2023)
    assert statistics.level == "gemeente"
    assert statistics.values == properties  # the shipped file has no CBS sentinels
    assert statistics.population == properties["aantalInwoners"]
    assert statistics.households == properties["aantalHuishoudens"]
    assert statistics.density == properties["bevolkingsdichtheidInwonersPerKm2"]
    assert statistics.urbanity == properties["stedelijkheidAdressenPerKm2"]
    assert statistics.land_area_ha == properties["oppervlakteLandInHa"]


def test_import_derives_province_outlines_from_municipalities(gemeenten):
    brabant = Province.objects.get(code="PV30")
    outline = _geometry(brabant.boundary)
    members = [_geometry(m.boundary) for m in Municipality.objects.filter(province=brabant)]
    union = shapely.union_all(members)
    assert outline.geom_type in ("Polygon", "MultiPolygon")
    assert abs(outline.area - union.area) / union.area < 0.02
    assert outline.intersects(Point(brabant.centroid_lon, brabant.centroid_lat))
    for code in (OSS, TILBURG):
        municipality = Municipality.objects.get(code=code)
        assert outline.intersects(Point(municipality.centroid_lon, municipality.centroid_lat))
    assert not outline.intersects(Point(NORTH_SEA[1], NORTH_SEA[0]))
    assert brabant.year == 2023


def test_import_writes_one_audit_record(gemeenten):
    records = AuditRecord.objects.filter(action="geography.import")
    assert records.count() == 1
    record = records.get()
    assert record.actor is None
    assert record.after["level"] == "gemeente"
    assert record.after["years"] == [2023]
    assert record.after["created"] == gemeenten.created
    assert record.note == CBS_GEMEENTEN_2023.name


def test_reimport_changes_nothing(gemeenten):
    before = db_state()
    report = cbs_areas_import(actor=None, path_or_data=CBS_GEMEENTEN_2023)
    assert (report.created, report.updated, report.skipped) == (0, 0, 342)
    assert report.statistics_created == report.statistics_updated == 0
    assert report.provinces_created == report.provinces_updated == 0
    assert not report.changed
    assert db_state() == before


def test_changed_name_boundary_or_attribute_counts_as_updated(gemeenten):
    data = shipped_gemeenten()
    feature_by_code(data, OSS)["properties"]["gemeentenaam"] = "Oss (renamed)"
    feature_by_code(data, TILBURG)["properties"]["aantalInwoners"] += 1
    breda = feature_by_code(data, "GM0758")
    smaller = _geometry(breda["geometry"]).buffer(-0.002)
    breda["geometry"] = geometry_dict(smaller)

    report = cbs_areas_import(actor=None, path_or_data=data)

    assert (report.created, report.updated, report.skipped) == (0, 3, 339)
    assert report.statistics_updated == 2  # the changed name is an attribute as well
    assert report.provinces_updated == 1  # Breda's new outline changes Noord-Brabant's
    assert Municipality.objects.get(code=OSS).name == "Oss (renamed)"
    tilburg_population = feature_by_code(data, TILBURG)["properties"]["aantalInwoners"]
    assert AreaStatistics.objects.get(area_code=TILBURG).population == tilburg_population
    breda_row = Municipality.objects.get(code="GM0758")
    assert breda_row.boundary == breda["geometry"]
    assert smaller.intersects(Point(breda_row.centroid_lon, breda_row.centroid_lat))
    assert AuditRecord.objects.filter(action="geography.import").count() == 2


def test_import_accepts_bytes_and_parsed_data(db):
    report = cbs_areas_import(actor=None, path_or_data=CBS_GEMEENTEN_2023.read_bytes())
    assert report.created == 342
    report = cbs_areas_import(actor=None, path_or_data=shipped_gemeenten())
    assert report.skipped == 342


# -- CBS details --------------------------------------------------------------------------


def test_cbs_sentinels_become_missing_values(db):
    data = collection(
        feature(
            square(5.5, 51.75),
            gemeentecode="GM0828",
            gemeentenaam="Oss",
            jaar=2023,
            aantalInwoners=-99997,
            aantalHuishoudens=40000,
            percentageGehuwd=-99995,
            gemiddeldeHuishoudsgrootte=2.3,
            water="NEE",
        )
    )
    cbs_areas_import(actor=None, path_or_data=data)
    statistics = AreaStatistics.objects.get(area_code="GM0828", year=2023)
    assert statistics.population is None
    assert statistics.values["aantalInwoners"] is None
    assert statistics.values["percentageGehuwd"] is None
    assert statistics.households == 40000
    assert statistics.values["gemiddeldeHuishoudsgrootte"] == 2.3
    assert statistics.values["water"] == "NEE"


def test_year_comes_from_jaar_or_the_argument(db):
    data = collection(feature(square(5.5, 51.75), gemeentecode="GM0828", gemeentenaam="Oss"))
    with pytest.raises(CbsImportError, match=r"Feature 0 \(GM0828\): field 'jaar' is missing"):
        cbs_areas_import(actor=None, path_or_data=data)
    cbs_areas_import(actor=None, path_or_data=data, year=2022)
    assert Municipality.objects.get(code="GM0828").year == 2022
    assert AreaStatistics.objects.filter(area_code="GM0828", year=2022).exists()

    data["features"][0]["properties"]["jaar"] = 2021
    with pytest.raises(CbsImportError, match=r"Feature 0 \(GM0828\): field 'jaar' is 2021"):
        cbs_areas_import(actor=None, path_or_data=data, year=2022)


def test_water_features_are_ignored(db):
    land = feature(square(5.5, 51.75), gemeentecode="GM0828", gemeentenaam="Oss", jaar=2023)
    land["properties"]["water"] = "NEE"
    water = feature(square(5.6, 51.75), gemeentecode="GM0828", gemeentenaam="Oss", jaar=2023)
    water["properties"]["water"] = "JA"
    report = cbs_areas_import(actor=None, path_or_data=collection(land, water))
    assert (report.created, report.ignored) == (1, 1)
    assert Municipality.objects.get(code="GM0828").boundary == land["geometry"]


def test_province_without_provinciecode_is_unknown_in_an_empty_database(db):
    data = collection(
        feature(square(5.5, 51.75), gemeentecode="GM0828", gemeentenaam="Oss", jaar=2023)
    )
    report = cbs_areas_import(actor=None, path_or_data=data)
    assert Municipality.objects.get(code="GM0828").province is None
    assert len(report.warnings) == 1
    assert "GM0828" in report.warnings[0]
    assert "province" in report.warnings[0]


def test_province_without_provinciecode_is_kept_or_found(gemeenten):
    oss = Municipality.objects.get(code=OSS)
    tilburg = feature_by_code(shipped_gemeenten(), TILBURG)
    del tilburg["properties"]["provinciecode"]
    del tilburg["properties"]["provincienaam"]
    newcomer = feature(
        square(oss.centroid_lon, oss.centroid_lat, 0.001),
        gemeentecode="GM1999",
        gemeentenaam="Nieuwe gemeente",
        jaar=2024,
    )
    report = cbs_areas_import(actor=None, path_or_data=collection(tilburg, newcomer))
    assert report.warnings == []
    assert Municipality.objects.get(code=TILBURG).province_id == "PV30"
    assert Municipality.objects.get(code="GM1999").province_id == oss.province_id


# -- malformed files ----------------------------------------------------------------------


def _drop_name(data):
    del feature_by_code(data, OSS)["properties"]["gemeentenaam"]
    return rf"Feature {feature_index(data, OSS)} \(GM0828\): field 'gemeentenaam' is missing"


def _bad_code(data):
    index = feature_index(data, OSS)
    data["features"][index]["properties"]["gemeentecode"] = "GM828"
    return rf"Feature {index} \(GM828\): field 'gemeentecode'"


def _point_geometry(data):
    feature_by_code(data, OSS)["geometry"] = {"type": "Point", "coordinates": [5.5, 51.75]}
    return rf"Feature {feature_index(data, OSS)} \(GM0828\): field 'geometry' has type 'Point'"


def _text_coordinates(data):
    ring = feature_by_code(data, OSS)["geometry"]["coordinates"][0]
    ring[1] = [str(ring[1][0]), str(ring[1][1])]
    return rf"Feature {feature_index(data, OSS)} \(GM0828\): field 'geometry'"


def _missing_geometry(data):
    feature_by_code(data, OSS)["geometry"] = None
    return rf"Feature {feature_index(data, OSS)} \(GM0828\): field 'geometry' is missing"


def _rd_coordinates(data):
    ring = [[155000, 463000], [156000, 463000], [156000, 464000], [155000, 463000]]
    feature_by_code(data, OSS)["geometry"] = {"type": "Polygon", "coordinates": [ring]}
    return rf"Feature {feature_index(data, OSS)} \(GM0828\): field 'geometry'.*EPSG:4326"


def _open_ring(data):
    ring = feature_by_code(data, OSS)["geometry"]["coordinates"][0]
    ring.pop()
    return rf"Feature {feature_index(data, OSS)} \(GM0828\): field 'geometry' has a ring whose last"


def _swapped_axes(data):
    geometry = feature_by_code(data, OSS)["geometry"]
    geometry["coordinates"] = [[[lat, lon] for lon, lat in geometry["coordinates"][0]]]
    return rf"Feature {feature_index(data, OSS)} \(GM0828\): field 'geometry' has \[latitude"


def _duplicate_code(data):
    data["features"].append(json.loads(json.dumps(feature_by_code(data, OSS))))
    return rf"Feature {len(data['features']) - 1} \(GM0828\): field 'gemeentecode' repeats"


def _bad_year(data):
    feature_by_code(data, OSS)["properties"]["jaar"] = "twintig"
    return rf"Feature {feature_index(data, OSS)} \(GM0828\): field 'jaar'"


def _bad_province(data):
    feature_by_code(data, OSS)["properties"]["provinciecode"] = "Brabant"
    return rf"Feature {feature_index(data, OSS)} \(GM0828\): field 'provinciecode'"


def _not_a_collection(data):
    data["type"] = "Feature"
    return "not a GeoJSON FeatureCollection"


@pytest.mark.parametrize(
    "break_file",
    [
        _drop_name,
        _bad_code,
        _point_geometry,
        _text_coordinates,
        _missing_geometry,
        _rd_coordinates,
        _open_ring,
        _swapped_axes,
        _duplicate_code,
        _bad_year,
        _bad_province,
        _not_a_collection,
    ],
)
def test_malformed_file_raises_and_writes_nothing(gemeenten, tmp_path, break_file):
    data = shipped_gemeenten()
    # A valid change in the first feature, which must not be written either.
    data["features"][0]["properties"]["gemeentenaam"] += " (changed)"
    expected = break_file(data)
    path = write(tmp_path, data)
    before = db_state()
    with pytest.raises(CbsImportError, match=expected):
        cbs_areas_import(actor=None, path_or_data=path)
    assert db_state() == before


def test_invalid_json_raises_and_writes_nothing(gemeenten, tmp_path):
    before = db_state()
    path = write(tmp_path, '{"type": "FeatureCollection", "features": [')
    with pytest.raises(CbsImportError, match="not valid JSON"):
        cbs_areas_import(actor=None, path_or_data=path)
    with pytest.raises(CbsImportError, match="Cannot read"):
        cbs_areas_import(actor=None, path_or_data=tmp_path / "missing.geojson")
    assert db_state() == before


def test_all_errors_are_reported_together(db):
    data = collection(
        feature(square(5.5, 51.75), gemeentecode="GM0828", jaar=2023),
        feature(square(5.6, 51.75), gemeentecode="XX0001", gemeentenaam="X", jaar=2023),
    )
    with pytest.raises(CbsImportError) as raised:
        cbs_areas_import(actor=None, path_or_data=data)
    assert raised.value.errors == [
        "Feature 0 (GM0828): field 'gemeentenaam' is missing",
        "Feature 1 (XX0001): field 'gemeentecode' is 'XX0001', expected a CBS code like GM0828",
    ]
    assert Municipality.objects.count() == 0


def test_self_intersecting_and_3d_boundaries_import_and_reimport(db):
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[5.0, 51.0], [5.1, 51.1], [5.1, 51.0], [5.0, 51.1], [5.0, 51.0]]],
    }
    three_d = geometry_dict(square(5.5, 51.75))
    three_d["coordinates"] = [[[*position, 3.0] for position in three_d["coordinates"][0]]]
    data = collection(
        feature(bow_tie, gemeentecode="GM0001", gemeentenaam="Vlinder", jaar=2023),
        feature(three_d, gemeentecode="GM0002", gemeentenaam="Hoogte", jaar=2023),
    )
    assert cbs_areas_import(actor=None, path_or_data=data).created == 2
    for municipality in Municipality.objects.all():
        point = Point(municipality.centroid_lon, municipality.centroid_lat)
        assert _geometry(municipality.boundary).intersects(point)
    assert Municipality.objects.get(code="GM0001").boundary == bow_tie
    assert cbs_areas_import(actor=None, path_or_data=data).skipped == 2


def test_unknown_level_is_refused(db):
    with pytest.raises(CbsImportError, match="Unknown level"):
        cbs_areas_import(actor=None, path_or_data=CBS_GEMEENTEN_2023, level="land")


# -- districts and neighbourhoods ---------------------------------------------------------


def test_wijk_and_buurt_import_under_a_municipality(gemeenten):
    wijken = oss_districts()
    report = cbs_areas_import(actor=None, path_or_data=wijken, level="wijk")
    assert (report.created, report.updated, report.skipped) == (2, 0, 0)
    west = District.objects.get(code="WK082801")
    assert west.municipality_id == OSS
    assert west.name == "Oss West"
    assert west.boundary == wijken["features"][0]["geometry"]
    assert _geometry(west.boundary).intersects(Point(west.centroid_lon, west.centroid_lat))
    statistics = AreaStatistics.objects.get(area_code="WK082801", year=2023)
    assert statistics.level == "wijk"
    assert statistics.population == 1200
    assert statistics.values["percentageGehuwd"] is None

    inner = _geometry(west.boundary).representative_point().buffer(0.001)
    buurt = inner.intersection(_geometry(west.boundary))
    buurten = collection(
        feature(
            buurt,
            buurtcode="BU08280101",
            buurtnaam="Centrum",
            wijkcode="WK082801",
            gemeentecode=OSS,
            jaar=2023,
        )
    )
    report = cbs_areas_import(actor=None, path_or_data=buurten, level="buurt")
    assert report.created == 1
    neighbourhood = Neighbourhood.objects.get(code="BU08280101")
    assert neighbourhood.district_id == "WK082801"
    assert AreaStatistics.objects.get(area_code="BU08280101").level == "buurt"

    again = cbs_areas_import(actor=None, path_or_data=wijken, level="wijk")
    assert (again.created, again.updated, again.skipped) == (0, 0, 2)
    assert cbs_areas_import(actor=None, path_or_data=buurten, level="buurt").skipped == 1


def test_wijk_with_unknown_municipality_is_refused(gemeenten):
    assert not Municipality.objects.filter(code="GM9998").exists()
    before = db_state()
    wijken = oss_districts()
    wijken["features"][1]["properties"]["gemeentecode"] = "GM9998"
    with pytest.raises(CbsImportError, match=r"Feature 1 \(WK082802\): field 'gemeentecode'"):
        cbs_areas_import(actor=None, path_or_data=wijken, level="wijk")
    del wijken["features"][1]["properties"]["gemeentecode"]
    with pytest.raises(
        CbsImportError, match=r"Feature 1 \(WK082802\): field 'gemeentecode' is missing"
    ):
        cbs_areas_import(actor=None, path_or_data=wijken, level="wijk")
    assert db_state() == before


def test_buurt_with_unknown_district_is_refused(gemeenten):
    oss = Municipality.objects.get(code=OSS)
    buurten = collection(
        feature(
            square(oss.centroid_lon, oss.centroid_lat, 0.001),
            buurtcode="BU08289901",
            buurtnaam="Nergens",
            wijkcode="WK082899",
            gemeentecode=OSS,
            jaar=2023,
        )
    )
    with pytest.raises(CbsImportError, match=r"Feature 0 \(BU08289901\): field 'wijkcode'"):
        cbs_areas_import(actor=None, path_or_data=buurten, level="buurt")
    assert Neighbourhood.objects.count() == 0


# -- locate -------------------------------------------------------------------------------


def test_locate_known_points(gemeenten):
    oss = Municipality.objects.get(code=OSS)
    assert locate(oss.centroid_lat, oss.centroid_lon) == LocateResult(OSS, "Oss", None, None)
    assert locate(*TILBURG_STATION).municipality_code == TILBURG
    assert locate(*NORTH_SEA) is None


def test_locate_finds_every_municipality_at_its_own_centroid(gemeenten):
    rows = list(Municipality.objects.values_list("code", "centroid_lat", "centroid_lon"))
    results = locate_many([(lat, lon) for _, lat, lon in rows])
    assert [r.municipality_code for r in results] == [code for code, _, _ in rows]


def test_locate_many_agrees_with_locate(gemeenten):
    rng = random.Random(42)
    points = [(rng.uniform(50.7, 53.6), rng.uniform(3.3, 7.3)) for _ in range(300)]
    points.append(NORTH_SEA)
    assert locate_many(points) == [locate(lat, lon) for lat, lon in points]
    assert locate_many([]) == []


def test_locate_without_areas_returns_none(db):
    assert locate(*TILBURG_STATION) is None
    assert locate_many([TILBURG_STATION]) == [None]


def test_locate_reports_districts_once_loaded(gemeenten):
    oss = Municipality.objects.get(code=OSS)
    assert locate(oss.centroid_lat, oss.centroid_lon).district_code is None  # builds the index
    cbs_areas_import(actor=None, path_or_data=oss_districts(), level="wijk")
    for district in District.objects.all():
        result = locate(district.centroid_lat, district.centroid_lon)
        assert result == LocateResult(OSS, "Oss", district.code, district.name)
    tilburg = locate(*TILBURG_STATION)
    assert (tilburg.municipality_code, tilburg.district_code) == (TILBURG, None)
    west = District.objects.get(code="WK082801")
    assert locate_many([(west.centroid_lat, west.centroid_lon)])[0].district_code == west.code


def test_locate_index_follows_the_shared_version(gemeenten, monkeypatch):
    oss = Municipality.objects.get(code=OSS)
    assert locate(oss.centroid_lat, oss.centroid_lon).municipality_name == "Oss"
    # Another process renames the municipality and bumps the shared version.
    Municipality.objects.filter(code=OSS).update(name="Os")
    monkeypatch.setattr(geo, "VERSION_CHECK_SECONDS", 0.0)
    assert locate(oss.centroid_lat, oss.centroid_lon).municipality_name == "Oss"  # same version
    cache.set(VERSION_CACHE_KEY, geography_version() + 1, timeout=None)
    assert locate(oss.centroid_lat, oss.centroid_lon).municipality_name == "Os"


def test_committed_import_bumps_the_shared_version(db, django_capture_on_commit_callbacks):
    before = geography_version()
    with django_capture_on_commit_callbacks(execute=True):
        cbs_areas_import(actor=None, path_or_data=CBS_GEMEENTEN_2023)
    assert geography_version() > before
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        cbs_areas_import(actor=None, path_or_data=CBS_GEMEENTEN_2023)  # nothing changes
    assert callbacks == []


# -- the management command ---------------------------------------------------------------


def test_command_imports_and_prints_counts(db):
    out, err = StringIO(), StringIO()
    call_command("import_cbs_areas", str(CBS_GEMEENTEN_2023), stdout=out, stderr=err)
    assert "created 342, updated 0, skipped 0" in out.getvalue()
    assert err.getvalue() == ""
    out = StringIO()
    call_command("import_cbs_areas", str(CBS_GEMEENTEN_2023), "--level", "gemeente", stdout=out)
    assert "created 0, updated 0, skipped 342" in out.getvalue()


def test_command_prints_warnings(db, tmp_path):
    path = write(
        tmp_path,
        collection(feature(square(5.5, 51.75), gemeentecode="GM0828", gemeentenaam="Oss")),
    )
    out, err = StringIO(), StringIO()
    call_command("import_cbs_areas", str(path), "--year", "2022", stdout=out, stderr=err)
    assert "created 1, updated 0, skipped 0" in out.getvalue()
    assert "Warning:" in err.getvalue()
    assert "province unknown" in err.getvalue()


def test_command_fails_on_a_bad_file(db, tmp_path):
    data = collection(feature(square(5.5, 51.75), gemeentecode="GM0828", jaar=2023))
    path = write(tmp_path, data)
    with pytest.raises(CommandError) as raised:
        call_command("import_cbs_areas", str(path), stdout=StringIO(), stderr=StringIO())
    assert "Feature 0 (GM0828): field 'gemeentenaam' is missing" in str(raised.value)
    assert raised.value.returncode != 0
    assert Municipality.objects.count() == 0
