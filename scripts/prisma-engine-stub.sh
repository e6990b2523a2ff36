#!/bin/sh
# Prisma's CLI insists on a native schema engine that it downloads from its own host, which this
# project can't reach. `generate`, `validate` and `format` don't use it; migrations are applied by
# packages/db's own runner. This stub answers the version probe and refuses everything else.
if [ "$1" = "--version" ]; then echo "schema-engine-cli stub"; exit 0; fi
echo "switchyard: the native Prisma schema engine is not available; migrations run through packages/db" >&2
exit 1
