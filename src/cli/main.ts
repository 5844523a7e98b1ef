#!/usr/bin/env node
import { existsSync } from 'node:fs';

// The build bundles the lab into dist/app/ (scripts/build.js): one file to load for the program and
// one per command and for the interface, instead of some five hundred modules, each resolved and read
// on every start. Without the bundle (a build that could not make it) the modules run as compiled.
const bundled = new URL('../app/lab.js', import.meta.url);
await import(existsSync(bundled) ? bundled.href : './lab.js');
