"The package's front door: the names a user needs import from `hsae_nb` itself, lazily, and are the modules' own objects."
import importlib, subprocess, sys

import hsae_nb


def test_public_names_are_the_modules_objects():
    for name, module in hsae_nb._PUBLIC.items():
        assert getattr(hsae_nb, name) is getattr(importlib.import_module(f"hsae_nb.{module}"), name), name
    from hsae_nb import HSAE, HSAEConfig, Trainer, Forest  # noqa: F401  (the issue's own example)


def test_unknown_name_is_an_attribute_error():
    try: hsae_nb.NotAThing
    except AttributeError as e: assert "NotAThing" in str(e)
    else: raise AssertionError("no error for an unknown name")


def test_import_is_lazy():
    code = "import sys, hsae_nb; print(sorted(m for m in sys.modules if m.startswith('hsae_nb.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out                  # nothing but the package itself until a name is used


def test_public_surface_is_small():
    # every module's __all__ (what `from hsae_nb.x import *` gives) plus the package's own: at most 90 names in all
    import pkgutil
    mods = [m.name for m in pkgutil.iter_modules(hsae_nb.__path__) if not m.name.startswith("_")]
    sizes = {m: len(getattr(importlib.import_module(f"hsae_nb.{m}"), "__all__", [])) for m in mods}
    total = sum(sizes.values()) + len(hsae_nb.__all__)
    assert total <= 90, (total, sizes)
    assert sizes["core"] < 20 and sizes["sparse"] <= 3, sizes      # kernel internals and constants stay in their module
