"""The relay benchmark's driver: targets, paths, measurements and the report. See bench/README.md."""
