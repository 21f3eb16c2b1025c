#!/bin/bash -eu
# oss-fuzz/build.sh - build the fuzz targets the way OSS-Fuzz and
# ClusterFuzzLite do, honouring $CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE
# $OUT $SRC $WORK.  No CMake: the sources are compiled with exactly the flags
# the infrastructure gives, and the targets are linked with $CXX (as OSS-Fuzz
# requires).  Also writes, per target, <target>_seed_corpus.zip, .dict and
# .options.  Runs locally too: tests/oss-fuzz/run-local sets the variables
# OSS-Fuzz sets for libFuzzer+ASan and for AFL++.
SRC_DIR=${BF_SRC_DIR:-$SRC/buddyfuzz}
cd "$SRC_DIR"
mkdir -p "$WORK/obj" "$WORK/host" "$OUT"

lib_sources() {
	ls core/*.c oracle/*.c
	ls fuzz/*.c | grep -vE '/(replay_main|reach_main|diff_main|standalone_main|fuzz_(ops|parse|variants|threads|diff)|afl_[a-z_]+)\.c$'
}

# 1. the library, instrumented with the infrastructure's flags
objs=()
for src in $(lib_sources); do
	obj="$WORK/obj/$(echo "$src" | tr '/' '_').o"
	$CC $CFLAGS -std=gnu11 -I. -c "$src" -o "$obj"
	objs+=("$obj")
done
rm -f "$WORK/libbuddyfuzz.a"
ar rcs "$WORK/libbuddyfuzz.a" "${objs[@]}"

# 2. the targets, linked with $CXX and the engine
for t in fuzz_ops fuzz_parse fuzz_variants; do
	$CC $CFLAGS -std=gnu11 -I. -c "fuzz/$t.c" -o "$WORK/obj/$t.o"
	$CXX $CXXFLAGS "$WORK/obj/$t.o" "$WORK/libbuddyfuzz.a" $LIB_FUZZING_ENGINE -lm -lpthread -ldl -o "$OUT/$t"
done

# 3. a host bf-replay (no instrumentation flags) to compile the text seeds to binary
$CC -O1 -std=gnu11 -I. $(lib_sources) fuzz/replay_main.c -lm -lpthread -ldl -o "$WORK/host/bf-replay"
rm -rf "$WORK/seeds-bin" && mkdir -p "$WORK/seeds-bin"
for s in corpus/seeds/*.bfp; do
	"$WORK/host/bf-replay" --to-bin "$WORK/seeds-bin/$(basename "$s" .bfp)" "$s"
done

zipdir() {  # zipdir OUT.zip DIR: flat zip of DIR's files (zip(1), or python3 if absent)
	rm -f "$1"
	if command -v zip >/dev/null 2>&1; then
		zip -q -j "$1" "$2"/*
	else
		python3 -c 'import sys, os, zipfile
z = zipfile.ZipFile(sys.argv[1], "w")
for f in sorted(os.listdir(sys.argv[2])): z.write(os.path.join(sys.argv[2], f), f)' "$1" "$2"
	fi
}
zipdir "$OUT/fuzz_ops_seed_corpus.zip" "$WORK/seeds-bin"
zipdir "$OUT/fuzz_variants_seed_corpus.zip" "$WORK/seeds-bin"
zipdir "$OUT/fuzz_parse_seed_corpus.zip" corpus/seeds
for t in fuzz_ops fuzz_variants fuzz_parse; do
	cp "corpus/$t.options" "$OUT/$t.options"
done
cp corpus/fuzz_ops.dict "$OUT/fuzz_ops.dict"
cp corpus/fuzz_ops.dict "$OUT/fuzz_variants.dict"
cp corpus/fuzz_parse.dict "$OUT/fuzz_parse.dict"
echo "buddyfuzz: built fuzz_ops fuzz_parse fuzz_variants into $OUT"
