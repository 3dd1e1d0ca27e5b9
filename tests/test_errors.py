"""geo.errors: one base, the fault as attributes, the message as users have always read it."""

from __future__ import annotations

import pickle

import pytest

import geo.errors as errors
from geo.errors import BorderAtlasError, ExportError, RecipeError, UnknownLayerError, ViewError
from geo.figure import FigureSpec
from geo.imports import EventImportError, ImportStopped
from geo.recipe import recipe_from_mapping
from geo.view import parse_date_param


def test_every_error_is_a_border_atlas_error_defined_in_one_module():
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, BorderAtlasError) and cls.__module__ == "geo.errors", name
    assert issubclass(ImportStopped, EventImportError)


def test_the_message_is_source_field_and_detail():
    exc = ExportError("0 mm is not a printable size", field="width_mm", value=0)
    assert str(exc) == "width_mm: 0 mm is not a printable size"
    assert (exc.field, exc.value, exc.detail, exc.source) == ("width_mm", 0, exc.detail, None)
    assert str(RecipeError("empty", field="layers", source="recipe f.toml")) == \
        "recipe f.toml: layers: empty"
    assert str(BorderAtlasError("no output file")) == "no output file"


def test_errors_raised_by_the_checks_carry_their_field_and_value():
    with pytest.raises(ExportError) as err:
        FigureSpec(width_mm=0)
    assert (err.value.field, err.value.value) == ("width_mm", 0)
    with pytest.raises(ViewError) as err:
        parse_date_param("start", "2024-02-30")
    assert (err.value.field, err.value.value) == ("start", "2024-02-30")
    with pytest.raises(RecipeError) as err:
        recipe_from_mapping({"window": "last-week"}, source="recipe r.toml")
    assert (err.value.field, err.value.value, err.value.source) == ("window", "last-week",
                                                                    "recipe r.toml")
    assert str(err.value).startswith("recipe r.toml: window: 'last-week' is unknown")


@pytest.mark.parametrize("exc", [
    ExportError("0 mm is not a printable size", field="width_mm", value=0),
    UnknownLayerError("rivers", ("border", "events")),
    errors.LayerValidationError("data/x.geojson", ["a", "b"]),
    ImportStopped("'a.csv': the import was stopped: the tab was closed"),
])
def test_errors_survive_pickling_whole(exc):
    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is type(exc) and str(again) == str(exc)
    assert (again.field, again.value) == (exc.field, exc.value)
