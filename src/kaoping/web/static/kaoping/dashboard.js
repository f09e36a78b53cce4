/* The leaders' dashboard: draws the charts from the data the page carries in
   <script id="dashboard-data" type="application/json"> (Django's json_script).
   ECharts is vendored (static/kaoping/vendor/echarts); nothing is fetched from elsewhere. */
(function () {
  "use strict";

  function round(v, places) {
    return v === null || v === undefined ? null : Number(Number(v).toFixed(places));
  }

  function chart(id) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return null;
    var c = echarts.init(el);
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }

  var LEGEND = { type: "scroll", top: 0 };
  var GRID = { left: 50, right: 30, top: 40, bottom: 30, containLabel: true };

  function trendScore(data) {
    var c = chart("chart-trend-score");
    if (!c) return;
    c.setOption({
      tooltip: { trigger: "axis" },
      legend: LEGEND,
      grid: GRID,
      xAxis: { type: "category", data: data.trend.periods },
      yAxis: { type: "value", name: "得分", scale: true },
      series: data.units.map(function (u) {
        return { name: u, type: "line", connectNulls: false,
                 data: data.trend.score[u].map(function (v) { return round(v, data.rounding); }) };
      })
    });
  }

  function trendRank(data) {
    var c = chart("chart-trend-rank");
    if (!c) return;
    c.setOption({
      tooltip: { trigger: "axis" },
      legend: LEGEND,
      grid: GRID,
      xAxis: { type: "category", data: data.trend.periods },
      yAxis: { type: "value", name: "名次", inverse: true, min: 1, minInterval: 1 },
      series: data.units.map(function (u) {
        return { name: u, type: "line", data: data.trend.rank[u] };
      })
    });
  }

  function components(data) {
    var names = data.components.names;
    var select = document.getElementById("dashboard-unit");
    var c = chart("chart-components");
    if (!c || !names.length || !select) return;
    var units = data.latest.units;
    // the mean of every unit that has a value, per component, for comparison: over all
    // units (data.profile, counted on the server), else over the units on this page
    var mean = data.profile ? data.profile.mean.map(function (v) { return round(v, data.rounding); })
                            : names.map(function (_, k) {
      var vals = units.map(function (u) { return u.components[k]; })
                      .filter(function (v) { return v !== null && v !== undefined; });
      return vals.length ? round(vals.reduce(function (a, b) { return a + b; }, 0) / vals.length,
                                 data.rounding) : null;
    });
    var max = data.profile ? data.profile.max : names.map(function (_, k) {
      var m = 0;
      units.forEach(function (u) { if (u.components[k] > m) m = u.components[k]; });
      return m > 0 ? m : 1;
    });

    function draw() {
      var unit = units.find(function (u) { return u.unit === select.value; }) || units[0];
      var own = unit.components.map(function (v) { return round(v, data.rounding); });
      if (names.length >= 3) {
        c.setOption({
          tooltip: {},
          legend: { top: 0, data: [unit.unit, "全体平均"] },
          radar: { indicator: names.map(function (n, k) { return { name: n, max: max[k] }; }) },
          series: [{ type: "radar", data: [{ name: unit.unit, value: own },
                                           { name: "全体平均", value: mean }] }]
        }, true);
      } else {
        c.setOption({
          tooltip: { trigger: "axis" },
          legend: { top: 0, data: [unit.unit, "全体平均"] },
          grid: GRID,
          xAxis: { type: "category", data: names },
          yAxis: { type: "value", name: "得分" },
          series: [{ name: unit.unit, type: "bar", data: own, label: { show: true, position: "top" } },
                   { name: "全体平均", type: "bar", data: mean }]
        }, true);
      }
    }
    select.addEventListener("change", draw);
    draw();
  }

  function grades(data) {
    if (!data.grades) return;
    var c = chart("chart-grades");
    if (!c) return;
    c.setOption({
      tooltip: { trigger: "item", formatter: "{b}：{c} 个（{d}%）" },
      legend: { top: 0 },
      series: [{
        type: "pie", radius: ["35%", "65%"], top: 30,
        label: { formatter: "{b} {c}" },
        data: data.grades.names.map(function (g, k) { return { name: g, value: data.grades.counts[k] }; })
                             .filter(function (d) { return d.value > 0; })
      }]
    });
  }

  function start() {
    var el = document.getElementById("dashboard-data");
    if (!el) return;
    var data = JSON.parse(el.textContent);
    if (!data.latest) return;
    trendScore(data);
    trendRank(data);
    components(data);
    grades(data);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
