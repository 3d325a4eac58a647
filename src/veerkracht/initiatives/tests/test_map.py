"""The Initiatievenkaart's server-side clustering (initiatives.map) and the synthetic
initiatives generator (generate_initiatives)."""

import random
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from veerkracht.core.geo import locate
from veerkracht.core.models import Municipality
from veerkracht.core.tests.factories import ThemeFactory
from veerkracht.initiatives import map as initiatives_map
from veerkracht.initiatives.map import Grid, grid_for, map_features, parse_bbox
from veerkracht.initiatives.models import Initiative
from veerkracht.initiatives.selectors import InitiativeFilter

from .factories import InitiativeFactory, served_areas

pytestmark = pytest.mark.django_db

ALL = InitiativeFilter()
PROVINCE_BBOX = (4.0, 51.2, 6.2, 51.9)
POINT_KEYS = {"slug", "name", "approximate"}
CLUSTER_KEYS = {"cluster", "count", "bbox", "expansion_zoom", "approximate", "members"}


@pytest.fixture(autouse=True)
def _fresh_map_cache():
    initiatives_map.clear_caches()
    cache.clear()
    yield
    initiatives_map.clear_caches()


@pytest.fixture
def areas():
    return served_areas()


def counted(collection: dict) -> int:
    """How many initiatives the features stand for."""
    return sum(
        f["properties"]["count"] if f["properties"].get("cluster") else 1
        for f in collection["features"]
    )


def assert_valid_feature_collection(collection: dict) -> None:
    assert collection["type"] == "FeatureCollection"
    assert isinstance(collection["features"], list)
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180
        assert -90 <= lat <= 90
        properties = feature["properties"]
        if properties.get("cluster"):
            assert set(properties) <= CLUSTER_KEYS
            assert properties["count"] >= 2
        else:
            assert set(properties) <= POINT_KEYS
            assert isinstance(feature["id"], int)


def make_group(n: int, lon: float, lat: float, spread: float = 0.002, **kwargs) -> list:
    rng = random.Random(n)
    return [
        InitiativeFactory(
            longitude=lon + rng.uniform(0, spread), latitude=lat + rng.uniform(0, spread), **kwargs
        )
        for _ in range(n)
    ]


def test_low_zoom_gives_clusters_and_high_zoom_gives_points(areas):
    make_group(12, 5.50, 51.76)
    lone = InitiativeFactory(longitude=5.10, latitude=51.58, name="Alleen in Tilburg")

    low = map_features(ALL, bbox=PROVINCE_BBOX, zoom=8)
    assert_valid_feature_collection(low)
    clusters = [f for f in low["features"] if f["properties"].get("cluster")]
    points = [f for f in low["features"] if not f["properties"].get("cluster")]
    assert [c["properties"]["count"] for c in clusters] == [12]
    assert [p["id"] for p in points] == [lone.pk]
    assert points[0]["properties"] == {"slug": lone.slug, "name": "Alleen in Tilburg"}
    assert low["count"] == 13
    cluster = clusters[0]["properties"]
    min_lon, min_lat, max_lon, max_lat = cluster["bbox"]
    assert 5.50 <= min_lon <= max_lon <= 5.502
    assert 51.76 <= min_lat <= max_lat <= 51.762
    assert cluster["expansion_zoom"] > 8

    high = map_features(ALL, bbox=(5.49, 51.75, 5.52, 51.77), zoom=16)
    assert_valid_feature_collection(high)
    assert len(high["features"]) == 12
    assert not any(f["properties"].get("cluster") for f in high["features"])
    assert high["truncated"] is False


def test_never_more_features_than_cells_and_nothing_lost(areas):
    rng = random.Random(7)
    for _ in range(150):
        InitiativeFactory(longitude=rng.uniform(4.1, 6.1), latitude=rng.uniform(51.25, 51.85))
    for zoom in range(5, 15):
        grid = grid_for(zoom, PROVINCE_BBOX)
        collection = map_features(ALL, bbox=PROVINCE_BBOX, zoom=zoom)
        assert_valid_feature_collection(collection)
        assert len(collection["features"]) <= grid.cell_count
        assert counted(collection) == collection["count"] == 150
        assert collection["grid_zoom"] == grid.zoom


def test_one_feature_per_grid_cell(areas):
    make_group(30, 5.0, 51.55, spread=0.5)
    collection = map_features(ALL, bbox=PROVINCE_BBOX, zoom=9)
    grid = Grid.for_zoom(9, PROVINCE_BBOX)
    cells = set()
    for feature in collection["features"]:
        properties = feature["properties"]
        if properties.get("cluster"):
            lon, lat = properties["bbox"][0], properties["bbox"][1]
        else:
            lon, lat = feature["geometry"]["coordinates"]
        cells.add(grid.cell_of(lon, lat))
    assert len(cells) == len(collection["features"])


def test_bbox_restricts_the_features(areas):
    make_group(5, 5.50, 51.76)  # Oss
    make_group(4, 5.05, 51.55)  # Tilburg
    oss_only = map_features(ALL, bbox=(5.4, 51.7, 5.7, 51.85), zoom=10)
    assert oss_only["count"] == 5
    nothing = map_features(ALL, bbox=(4.1, 51.25, 4.3, 51.3), zoom=12)
    assert nothing["features"] == [] and nothing["count"] == 0
    # The bbox is snapped outward to whole cells.
    min_lon, min_lat, max_lon, max_lat = oss_only["bbox"]
    assert min_lon <= 5.4 and min_lat <= 51.7 and max_lon >= 5.7 and max_lat >= 51.85


def test_a_very_large_bbox_uses_a_coarser_grid(areas):
    make_group(3, 5.5, 51.76)
    collection = map_features(ALL, bbox=(-180, -90, 180, 90), zoom=12)
    assert collection["grid_zoom"] < 12
    assert Grid.for_zoom(collection["grid_zoom"], (-180, -90, 180, 90)).cell_count <= (
        initiatives_map.MAX_CELLS
    )
    assert counted(collection) == 3


def test_filters_apply(areas):
    verbinding = ThemeFactory(name="verbinding", slug="verbinding")
    make_group(3, 5.50, 51.76, themes=[verbinding], phase="kort")
    make_group(2, 5.05, 51.55, phase="afgerond")

    assert map_features(InitiativeFilter(theme="verbinding"), bbox=None, zoom=8)["count"] == 3
    assert map_features(InitiativeFilter(phase="afgerond"), bbox=None, zoom=8)["count"] == 2
    assert map_features(InitiativeFilter(municipality="GM0828"), bbox=None, zoom=8)["count"] == 0
    for initiative in Initiative.objects.filter(latitude__gt=51.7):
        initiative.municipality = areas.oss
        initiative.save()
    assert map_features(InitiativeFilter(municipality="GM0828"), bbox=None, zoom=8)["count"] == 3
    assert map_features(InitiativeFilter(group="m7"), bbox=None, zoom=8)["count"] == 3


def test_unpublished_initiatives_never_appear(areas):
    InitiativeFactory(longitude=5.5, latitude=51.76, signed_up=True, name="Nog niet gepubliceerd")
    InitiativeFactory(longitude=5.5, latitude=51.76, published=False, name="Verborgen")
    InitiativeFactory(municipality=areas.oss, published=False, name="Ook verborgen")
    for zoom in (6, 10, 16):
        collection = map_features(ALL, bbox=(5.4, 51.7, 5.7, 51.85), zoom=zoom)
        assert collection["features"] == []


def test_only_id_slug_and_name_are_in_the_features(areas):
    InitiativeFactory(
        longitude=5.5,
        latitude=51.76,
        internal_notes="GEHEIME NOTITIE",
        contact_email="niet-publiek@example.org",
    )
    for zoom in (8, 16):
        collection = map_features(ALL, bbox=(5.4, 51.7, 5.7, 51.85), zoom=zoom)
        text = str(collection)
        assert "GEHEIME" not in text and "niet-publiek" not in text
        assert set(collection["features"][0]["properties"]) == {"slug", "name"}


def test_initiatives_without_a_point_are_placed_at_their_municipality(areas):
    one = InitiativeFactory(municipality=areas.tilburg, name="Ergens in Tilburg")
    InitiativeFactory(municipality=areas.oss, name="Oss A")
    InitiativeFactory(municipality=areas.oss, name="Oss B")
    InitiativeFactory(name="Nergens")  # neither a point nor a municipality: list only

    low = map_features(ALL, bbox=PROVINCE_BBOX, zoom=8)
    assert low["count"] == 3
    point = next(f for f in low["features"] if f["id"] == one.pk)
    assert point["geometry"]["coordinates"] == [5.075, 51.575]
    assert point["properties"]["approximate"] is True

    street = map_features(ALL, bbox=(5.54, 51.77, 5.56, 51.78), zoom=16)
    [group] = street["features"]
    assert group["properties"]["cluster"] is True
    assert group["properties"]["count"] == 2
    assert group["properties"]["expansion_zoom"] is None
    assert [m["name"] for m in group["properties"]["members"]] == ["Oss A", "Oss B"]


def test_points_are_capped(areas, monkeypatch):
    monkeypatch.setattr(initiatives_map, "MAX_POINTS", 5)
    make_group(8, 5.50, 51.76)
    collection = map_features(ALL, bbox=(5.49, 51.75, 5.52, 51.77), zoom=17)
    assert len(collection["features"]) == 5
    assert collection["truncated"] is True


def test_the_cache_follows_changes(areas):
    first = InitiativeFactory(longitude=5.5, latitude=51.76, name="Eerste")
    assert map_features(ALL, bbox=None, zoom=8)["count"] == 1
    InitiativeFactory(longitude=5.05, latitude=51.55)
    assert map_features(ALL, bbox=None, zoom=8)["count"] == 2
    first.name = "Hernoemd"
    first.save()
    [feature] = [f for f in map_features(ALL, bbox=None, zoom=8)["features"] if f["id"] == first.pk]
    assert feature["properties"]["name"] == "Hernoemd"
    first.delete()
    assert map_features(ALL, bbox=None, zoom=8)["count"] == 1


def test_the_data_version_is_read_from_the_database(areas):
    """Another process's change (no signal here) shows once the version is re-read."""
    InitiativeFactory(longitude=5.5, latitude=51.76)
    before = initiatives_map.data_version()
    Initiative.objects.update(published=False, updated_at=Initiative.objects.get().updated_at)
    assert initiatives_map.data_version() == before  # still within VERSION_CHECK_SECONDS
    Initiative.objects.bulk_create(
        [Initiative(slug="elders", name="Elders", intake_state="fits", source="signup")]
    )
    initiatives_map.forget_data_version()
    assert initiatives_map.data_version() != before


def test_repeated_requests_come_from_the_cache(areas, django_assert_num_queries):
    make_group(4, 5.50, 51.76)
    first = map_features(ALL, bbox=PROVINCE_BBOX, zoom=9)
    # The same cells: the answer comes from the cache (and the version is still fresh).
    with django_assert_num_queries(0):
        again = map_features(ALL, bbox=(4.01, 51.21, 6.19, 51.89), zoom=9)
    assert again == first


@pytest.mark.parametrize(
    "text",
    ["", "1,2,3", "a,b,c,d", "5,51,4,52", "5,52,6,51", "5,51,200,52", "5,-95,6,52", "nan,1,2,3"],
)
def test_malformed_bboxes_are_refused(text):
    with pytest.raises(ValueError, match="bbox"):
        parse_bbox(text)


def test_a_bbox_is_parsed():
    assert parse_bbox("4.5, 51.2,6,51.9") == (4.5, 51.2, 6.0, 51.9)


# --- generate_initiatives ------------------------------------------------------------------

SHIPPED_CBS = Path(settings.BASE_DIR) / "data" / "cbs-gemeenten-2023.geojson"


@pytest.fixture
def cbs_and_reference():
    call_command("import_cbs_areas", str(SHIPPED_CBS), stdout=StringIO())
    call_command("load_reference", stdout=StringIO())


def test_generate_initiatives_inside_the_province_and_delete_them(cbs_and_reference):
    real = InitiativeFactory(name="Echt initiatief")
    out = StringIO()
    call_command("generate_initiatives", count=300, seed=5, stdout=out)
    assert "Made 300 synthetic initiatives" in out.getvalue()

    synthetic = Initiative.objects.filter(synthetic=True)
    assert synthetic.count() == 300
    brabant = set(
        Municipality.objects.filter(province_id=settings.VEERKRACHT_PROVINCE).values_list(
            "code", flat=True
        )
    )
    rows = list(synthetic.values_list("name", "latitude", "longitude", "municipality_id"))
    for name, lat, lon, code in rows:
        assert name.startswith("[synthetisch] ")
        found = locate(lat, lon)
        assert found is not None and found.municipality_code in brabant
        assert found.municipality_code == code
    assert synthetic.filter(published=True, intake_state__in=["fits", "in_support"]).count() == 300
    assert not synthetic.filter(themes=None).exists()
    assert not synthetic.filter(factors=None).exists()
    # Deterministic for a seed.
    first = sorted(rows)
    call_command("generate_initiatives", delete=True, stdout=StringIO())
    call_command("generate_initiatives", count=300, seed=5, stdout=StringIO())
    assert sorted(synthetic.values_list("name", "latitude", "longitude", "municipality_id")) == (
        first
    )
    # --delete removes the synthetic ones only.
    out = StringIO()
    call_command("generate_initiatives", delete=True, stdout=out)
    assert "Deleted 300" in out.getvalue()
    assert list(Initiative.objects.all()) == [real]


def test_generated_initiatives_show_on_the_map(cbs_and_reference):
    call_command("generate_initiatives", count=200, seed=1, stdout=StringIO())
    collection = map_features(ALL, bbox=None, zoom=8)
    assert counted(collection) == collection["count"] == 200


def test_merged_base_cells_equal_grouping_in_the_database(areas, settings):
    """Zooms up to BASE_ZOOM merge cached base cells; without caches the database groups
    each bbox itself. Both give the same answer."""
    rng = random.Random(11)
    for _ in range(120):
        InitiativeFactory(longitude=rng.uniform(4.1, 6.1), latitude=rng.uniform(51.25, 51.85))
    for _ in range(3):
        InitiativeFactory(municipality=rng.choice([areas.oss, areas.tilburg]))
    views = [(zoom, PROVINCE_BBOX) for zoom in range(4, initiatives_map.BASE_ZOOM + 1)]
    views += [(10, (5.0, 51.5, 5.6, 51.8)), (12, (5.45, 51.7, 5.6, 51.8))]
    merged = [map_features(ALL, bbox=bbox, zoom=zoom) for zoom, bbox in views]
    settings.VEERKRACHT_MAP_CACHE_SECONDS = 0
    grouped = [map_features(ALL, bbox=bbox, zoom=zoom) for zoom, bbox in views]
    assert merged == grouped
