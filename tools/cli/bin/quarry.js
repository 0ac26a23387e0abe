#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const main = path.join(__dirname, '..', '..', '..', 'dist', 'tools', 'cli', 'src', 'main.js');
if (!fs.existsSync(main)) {
  process.stderr.write('quarry: the project is not built yet; run `npm run build` in the repository first\n');
  process.exit(1);
}
require(main);
