from __future__ import annotations

import pytest

from shuzheng.core import regions, selectors, services
from shuzheng.core.models import Region

ZHEJIANG_CITIES = {
    "330100": "杭州市",
    "330200": "宁波市",
    "330300": "温州市",
    "330400": "嘉兴市",
    "330500": "湖州市",
    "330600": "绍兴市",
    "330700": "金华市",
    "330800": "衢州市",
    "330900": "舟山市",
    "331000": "台州市",
    "331100": "丽水市",
}


def test_reference_data_has_the_eleven_cities_and_ninety_counties() -> None:
    current = [r for r in regions.province_records("33") if r.is_current and not r.is_aggregate]
    cities = {r.code: r.name for r in current if r.level == regions.PREFECTURE}
    counties = [r for r in current if r.level == regions.COUNTY]
    assert cities == ZHEJIANG_CITIES
    # Zhejiang has 37 districts, 20 county-level cities and 33 counties.
    assert len(counties) == 90
    assert sum(r.name.endswith("区") for r in counties) == 37


def test_supplement_adds_districts_the_national_table_lacks() -> None:
    assert regions.lookup("330113") is not None
    assert regions.full_name("330114") == "浙江省杭州市钱塘区"
    abolished = regions.lookup("330103")  # 下城区, merged in 2021
    assert abolished is not None
    assert abolished.valid_to == 2021
    assert regions.lookup("330103", 2022) is None


def test_historical_codes_resolve_with_the_name_of_their_time() -> None:
    # 3326 was 丽水地区 until 1982 and 台州地区 from 1982 to 1994.
    record = regions.lookup("332600")
    assert record is not None
    assert record.name_in(1980) == "丽水地区"
    assert record.name_in(1990) == "台州地区"
    assert record.name_in(2000) is None
    assert regions.full_name("332603", 1990) == "浙江省台州地区黄岩市"


def test_other_provinces_resolve_too() -> None:
    assert regions.full_name("110105") == "北京市朝阳区"
    assert regions.province_code_known("110105")
    assert not regions.province_code_known("990101")


def test_lookup_of_unknown_code_is_none() -> None:
    assert regions.lookup("339999") is None


@pytest.mark.django_db
def test_sync_fills_the_table_and_is_idempotent() -> None:
    # The data migration fills the table with this same call; transactional tests empty it again.
    services.regions_sync()
    assert Region.objects.filter(code="330000", level="province").exists()
    assert services.regions_sync() == 0
    Region.objects.filter(code="330106").update(name="wrong")
    assert services.regions_sync() == 1
    assert Region.objects.get(code="330106").name == "西湖区"


def test_every_region_has_an_existing_parent(regions: None) -> None:
    orphans = Region.objects.exclude(level="province").filter(parent__isnull=True)
    assert not orphans.exists()


def test_picker_lists_only_current_real_units(regions: None) -> None:
    hangzhou = {r.code for r in selectors.region_list(parent="330100")}
    assert "330106" in hangzhou
    assert "330103" not in hangzhou  # abolished
    assert "330101" not in hangzhou  # 市辖区, a statistical aggregate
    with_history = {r.code for r in selectors.region_list(parent="330100", include_historical=True)}
    assert {"330103", "330101"} <= with_history


def test_region_path_runs_from_the_province(regions: None) -> None:
    region = selectors.region_get(code="330106")
    assert region is not None
    assert [r.code for r in selectors.region_path(region=region)] == ["330000", "330100", "330106"]
