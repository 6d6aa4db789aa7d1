// The part of Observable Plot the atlas's charts use, bundled by frontend/bundle.mjs into
// static/vendor/plot.js (an ES module). A chart that needs another mark or transform adds its
// name here: the rest of Plot (about a third of it) is never shipped.
export {
  areaY,
  barX,
  barY,
  dot,
  line,
  plot,
  rect,
  ruleX,
  ruleY,
  text,
  tickX,
  tip,
} from "@observablehq/plot";
