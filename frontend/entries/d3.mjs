// The part of d3 the atlas's page scripts use themselves (the map's colours, a few sums;
// the maps come projected, publish/map_paths.py), bundled by frontend/bundle.mjs into
// static/vendor/d3.js (an ES module); what it shares with Plot is one chunk, loaded once.
// A page script that needs more adds its name here.
export { group, max, median, min, range, rollup, schemeBlues, sum } from "d3";
