#!/usr/bin/env node
// The `kasir` executable as installed: a committed launcher for the bundle in ../dist, so package
// managers can link the bin before anything is built (no "Failed to create bin" warnings).
import "../dist/bin.js"
