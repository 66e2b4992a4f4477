#!/usr/bin/env node
// The `kasir-sandbox` executable as installed: a committed launcher for the build in ../dist, so
// package managers can link the bin before anything is built (no "Failed to create bin" warnings).
import "../dist/bin.js"
