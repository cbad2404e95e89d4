from optim_lab.config import enable_compile_cache

# One persistent XLA cache per machine, shared with the app: a second run starts warm.
enable_compile_cache()
