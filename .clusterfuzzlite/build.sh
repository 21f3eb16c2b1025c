#!/bin/bash -eu
# ClusterFuzzLite runs the OSS-Fuzz build unchanged.
exec "$SRC/buddyfuzz/oss-fuzz/build.sh"
