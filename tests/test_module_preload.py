"""The map page asks for every engine module at once: a modulepreload link for each address
the import map sends a module to, after the import map (which must be read before any module
is fetched); none when the modules are inside the page (an exported file)."""

from __future__ import annotations

import re

from geo.web.explorer import ENGINE_MODULES, build_map, engine_boot_html, import_map

PRELOAD = re.compile(r'<link rel="modulepreload" href="([^"]+)">')


def _page(**kwargs) -> str:
    m, _ = build_map(**kwargs)
    return m.get_root().render()


def test_the_app_page_preloads_every_module_at_the_address_its_import_map_gives():
    page = _page(asset_base="/app/static")
    urls = PRELOAD.findall(page)
    assert urls == [f"/app/static/atlas/{name}" for name in ENGINE_MODULES]
    assert page.index('<script type="importmap">') < page.index('rel="modulepreload"') < page.index('<script type="module">')


def test_a_site_page_preloads_its_content_named_copies():
    named = {name: f"./assets/{name[:-3]}.0123abcd.js" for name in ENGINE_MODULES}
    assert PRELOAD.findall(engine_boot_html(import_map(None, named), "map_1")) == list(named.values())


def test_an_exported_file_has_its_modules_inside_and_preloads_none():
    assert PRELOAD.findall(_page(inline_modules=True)) == []


def test_an_address_is_an_attribute_value_never_markup():
    hostile = {name: f'./a"><img src=x onerror=alert(1)>{name}' for name in ENGINE_MODULES}
    boot = engine_boot_html(import_map(None, hostile), "map_1")
    assert "<img" not in boot and "&quot;&gt;&lt;img" in boot
