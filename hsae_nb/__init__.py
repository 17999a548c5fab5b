__version__ = "0.1.0"

# The names a user needs, importable from the package itself (`from hsae_nb import HSAE, Trainer`); everything else
# stays in its module. Imported on first use, so that `import hsae_nb` (and every CLI start) stays fast.
_PUBLIC = {"HSAEConfig": "core", "TrainConfig": "core", "preset": "core", "train_preset": "core", "seed_everything": "core",
           "SAELevel": "level", "Hierarchy": "structure", "HSAE": "model", "load_lm": "data", "open_corpus": "data",
           "harvest": "cache", "ActivationLoader": "cache", "Trainer": "trainer", "TensorBatches": "trainer",
           "evaluate": "metrics", "Forest": "viewer", "TreeViewer": "viewer", "Matryoshka": "matryoshka",
           "realistic_benchmark": "planted"}
__all__ = list(_PUBLIC)

def __getattr__(name):
    if name not in _PUBLIC: raise AttributeError(f"module 'hsae_nb' has no attribute {name!r}")
    import importlib
    return getattr(importlib.import_module(f"hsae_nb.{_PUBLIC[name]}"), name)

def __dir__(): return sorted([*globals(), *_PUBLIC])
