#!/usr/bin/env node
// Run through npx / npm scripts, where `node` is the pinned Node 24 that strips TypeScript types.
import "../src/main.ts";
