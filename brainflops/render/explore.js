// brainflops explorer: evaluates the engine's exported model (brainflops export-model) at the
// sliders' values. It knows no scenario's formula: every output is the exported sum of
// products, and a parity year is read off the exported curves of the same paths `compare`
// uses. Text from a scenario is only ever set as textContent.
"use strict";
(() => {
  const data = JSON.parse(document.getElementById("explorer-data").textContent);
  const LOG10_2 = Math.log10(2);
  const BEYOND = 1e8;
  const STEPS = 1000;
  const PERCENTILES = [["year_p5", 0.05], ["year_median", 0.5], ["year_p95", 0.95]];
  const OUTPUTS = [
    ["compute_flops", "compute", "FLOP/s"],
    ["memory_bytes", "memory", "B"],
    ["events_per_s", "synaptic events", "events/s"],
    ["memory_traffic_bytes_per_s", "memory bandwidth", "B/s"],
    ["communication_bytes_per_s", "injection bandwidth", "B/s"],
    ["lifetime_flop", "one lifetime of training", "FLOP"],
    ["flops_per_joule", "energy efficiency", "FLOP/J"],
  ];
  const PREFIXES = { "-9": "n", "-6": "µ", "-3": "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T",
    15: "P", 18: "E", 21: "Z", 24: "Y", 27: "R", 30: "Q" };

  // the curves were written as float32's shortest decimals: Math.fround restores each exactly
  for (const p of data.projections) {
    if (p.curves) for (const r of Object.keys(p.curves)) {
      p.curves[r] = Float64Array.from(p.curves[r], (v) => Math.fround(v));
    }
  }

  const $ = (id) => document.getElementById(id);
  const make = (tag, text, cls) => {
    const el = document.createElement(tag);
    if (text !== undefined) el.textContent = text;
    if (cls) el.className = cls;
    return el;
  };

  // Σ coef × Π value^exponent, term by term and factor by factor, as the engine multiplies
  function evaluate(expr, values) {
    let total = 0;
    for (const term of expr) {
      let acc = term.coef;
      for (const [name, exp] of term.powers) {
        const v = values[name];
        acc = acc * (exp === 1 ? v : Math.pow(v, exp));
      }
      total = total + acc;
    }
    return total;
  }

  function pointOutputs(model, values) {
    const out = {};
    for (const [name] of OUTPUTS) {
      const expr = model.outputs[name];
      out[name] = expr == null ? null : evaluate(expr, values);
    }
    return out;
  }

  const medians = (model) => Object.fromEntries(model.inputs.map((i) => [i.path, i.value]));

  // a mixture: each sample takes one component's outputs, by weight; the q-quantile of that
  // discrete distribution is the first value (in order) whose cumulative weight reaches q
  function weightedQuantile(pairs, q) {
    const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
    const total = sorted.reduce((s, p) => s + p[1], 0);
    let seen = 0;
    for (const [value, weight] of sorted) {
      seen += weight / total;
      if (seen >= q) return value;
    }
    return sorted[sorted.length - 1][0];
  }

  function mixtureOutputs(model, values) {
    const parts = model.components.map((c) => ({
      weight: values[c.weight_path],
      out: pointOutputs(c.model, medians(c.model)),
    }));
    const out = {};
    const ranges = {};
    for (const [name] of OUTPUTS) {
      if (name === "lifetime_flop") continue;
      if (parts.some((p) => p.out[name] == null)) { out[name] = null; continue; }
      const pairs = parts.map((p) => [p.out[name], p.weight]);
      out[name] = weightedQuantile(pairs, 0.5);
      ranges[name] = [weightedQuantile(pairs, 0.05), weightedQuantile(pairs, 0.95)];
    }
    const seconds = values["training.seconds"];
    if (out.compute_flops != null) {
      out.lifetime_flop = out.compute_flops * seconds;
      ranges.lifetime_flop = ranges.compute_flops.map((v) => v * seconds);
    } else out.lifetime_flop = null;
    return [out, ranges];
  }

  // the first index at which an ascending array reaches x (its length if none does)
  function firstAtLeast(array, x) {
    let lo = 0;
    let hi = array.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (array[mid] >= x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  // np.percentile's "linear" rule on the sorted years, from the order statistics it needs
  function percentile(n, q, yearOf) {
    const virtual = (n - 1) * q;
    const below = Math.floor(virtual);
    const low = yearOf(below);
    const high = yearOf(Math.min(below + 1, n - 1));
    const weight = virtual - below;
    const step = high - low;
    return weight >= 0.5 ? high - step * (1 - weight) : low + step * weight;
  }

  // when projection p meets compute x: history first, then its paths (or its fixed line)
  function parity(p, x) {
    const past = data.history[p.series];
    const reached = firstAtLeast(past.best, x);
    if (reached < past.best.length) {
      const year = past.years[reached];
      return { year_p5: year, year_median: year, year_p95: year, first: past.first_year,
        reached: past.systems[reached] };
    }
    const log2 = Math.log2(Math.max(x, 1));
    for (const [at, text] of p.limits) {
      if (log2 > at) return { year_p5: null, year_median: null, year_p95: null, never: text };
    }
    let yearOf;
    if (p.curves) {
      const target = log2 * LOG10_2;
      yearOf = (rank) => {
        const k = firstAtLeast(p.curves[rank], target);
        return k < p.dates.length ? p.dates[k] : BEYOND;
      };
    } else {
      let year = p.base_date + (log2 - p.base_log2) * p.doubling_years;
      year = !Number.isFinite(year) || year > p.last_list ? BEYOND : Math.max(year, p.next_year);
      yearOf = () => year;
    }
    const out = { first: past.first_year };
    for (const [key, q] of PERCENTILES) {
      const year = percentile(p.paths || 1, q, yearOf);
      out[key] = year > p.last_list ? null : year;
    }
    return out;
  }

  // --- formatting (display only: every data-value keeps full precision) ---
  function si(value, unit) {
    if (value == null) return "unknown";
    if (!Number.isFinite(value)) return "past float64 (the engine refuses this)";
    if (value === 0) return `0 ${unit}`;
    const [mantissa, exponent] = value.toExponential(2).split("e");
    const exp = Number(exponent);
    const exp3 = Math.floor(exp / 3) * 3;
    if (!(String(exp3) in PREFIXES)) return `${mantissa}e${exp} ${unit}`;
    const scaled = Number(mantissa) * 10 ** (exp - exp3);
    return `${scaled.toPrecision(3)} ${PREFIXES[exp3]}${unit}`;
  }

  function ratio(value) {
    if (value >= 1e-3 && value < 100) return `${Number(value.toPrecision(3))}×`;
    if (value >= 100 && value < 1e5) return `${Math.round(Number(value.toPrecision(3))).toLocaleString("en-US")}×`;
    const [m, e] = value.toExponential(2).split("e");
    return `${m}e${Number(e)}×`;
  }

  function inputText(value) {
    const short = Number(value.toPrecision(4));
    const big = short !== 0 && (Math.abs(short) >= 1e5 || Math.abs(short) < 1e-3);
    return big ? short.toExponential().replace("e+", "e") : String(short);
  }

  function yearText(p, key) {
    const year = p[key];
    if (year == null) return p.never ? "never" : `>${Math.floor(data.projections[0].last_list)}`;
    return `${year <= p.first ? "≤" : ""}${Math.floor(year)}`;
  }

  function setValue(el, value, text) {
    el.dataset.value = value == null ? "" : String(value);
    el.textContent = text;
  }

  // --- the page ---
  const scenarios = data.scenarios;
  const select = $("scenario");
  scenarios.forEach((s, i) => {
    const option = make("option", `${s.model.scenario}: ${s.model.title}`);
    option.value = String(i);
    select.append(option);
  });

  let current = null;
  let values = {};
  let sliders = [];
  const outputs = {};

  function sliderValue(input, position) {
    return input.low * Math.pow(input.high / input.low, position / STEPS);
  }

  function sliderPosition(input, value) {
    const at = Math.log(value / input.low) / Math.log(input.high / input.low);
    return Math.round(Math.min(Math.max(at, 0), 1) * STEPS);
  }

  function show(index) {
    current = scenarios[index];
    select.value = String(index);
    const model = current.model;
    $("title").textContent = model.title;
    $("mixture-note").hidden = model.components.length === 0;
    const full = current.full_compute;
    const spread = $("full");
    spread.hidden = !full || full.p5 === full.p95 || model.components.length > 0;
    if (full) {
      spread.textContent = `Over its whole ranges, ${model.scenario}'s compute has median ` +
        `${si(full.median, "FLOP/s")} (90%: ${si(full.p5, "FLOP/s")} to ` +
        `${si(full.p95, "FLOP/s")}). The sliders set each input to one value: the figures ` +
        "below are the model at those values, not medians over the ranges.";
    }
    buildInputs(model);
    buildOutputs();
    buildParity();
    update();
  }

  function buildInputs(model) {
    const list = $("inputs");
    list.replaceChildren();
    sliders = [];
    values = medians(model);
    model.inputs.forEach((input, i) => {
      const row = make("div", undefined, "input");
      const id = `input-${i}`;
      const label = make("label", input.path);
      label.htmlFor = id;
      if (input.about) label.append(make("span", ` (${input.about})`, "about"));
      const slider = document.createElement("input");
      slider.type = "range";
      slider.id = id;
      slider.min = "0";
      slider.max = String(STEPS);
      slider.step = "1";
      slider.dataset.path = input.path;
      const shown = make("output", undefined, "value");
      shown.htmlFor = id;
      const written = make("span", `as written: ${input.written}${input.uncertain ? " (slider: 1st to 99th percentile)" : ""}`, "written");
      slider.addEventListener("input", () => {
        values[input.path] = sliderValue(input, Number(slider.value));
        update();
      });
      row.append(label, slider, shown, written);
      list.append(row);
      sliders.push({ input, slider, shown });
    });
  }

  function buildOutputs() {
    const box = $("outputs");
    box.replaceChildren();
    for (const key of Object.keys(outputs)) delete outputs[key];
    for (const [name, label, unit] of OUTPUTS) {
      const card = make("div", undefined, "card");
      const value = make("p", "", "figure");
      value.dataset.output = name;
      const range = make("p", "", "range");
      const ratios = make("ul", undefined, "ratios");
      const cells = [];
      for (const which of ["number1", "ai_leader"]) {
        const machine = data.machines[which];
        for (const r of current.ratios[which]) {
          if (r.output !== name) continue;
          const item = make("li");
          const figure = make("span", "", "ratio");
          figure.dataset.output = `${which}.${r.key}`;
          const estimate = machine.estimated.length ? " (an estimate)" : "";
          item.append(figure, make("span", ` ${machine.name}, ${r.label}${estimate}`));
          ratios.append(item);
          cells.push([figure, r.value]);
        }
      }
      card.append(make("h3", label), value, range, ratios);
      box.append(card);
      outputs[name] = { card, value, range, unit, cells };
    }
  }

  let parityRows = [];
  function buildParity() {
    const body = $("parity-rows");
    body.replaceChildren();
    parityRows = current.projections.map((i) => {
      const p = data.projections[i];
      const row = make("tr");
      const kind = p.forecast === "assumption" ? "a fixed doubling time (an assumption)" : `forecast (${p.model})`;
      const name = make("td");
      name.append(make("span", p.name), make("span", ` ${p.series === "ai" ? "AI systems, BF16" : "TOP500 #1, HPL"}; ${kind}`, "kind"));
      const cells = PERCENTILES.map(([key]) => {
        const cell = make("td", "", "r");
        cell.dataset.output = `projections.${p.name}.${key}`;
        return cell;
      });
      row.append(name, cells[1], cells[0], cells[2]);
      body.append(row);
      return { p, cells };
    });
  }

  function update() {
    const model = current.model;
    let out;
    let ranges = {};
    if (model.components.length) [out, ranges] = mixtureOutputs(model, values);
    else out = pointOutputs(model, values);
    for (const { input, slider, shown } of sliders) {
      const value = values[input.path];
      slider.value = String(sliderPosition(input, value));
      slider.dataset.value = String(value);
      shown.textContent = inputText(value);
    }
    for (const [name, o] of Object.entries(outputs)) {
      const value = out[name];
      o.card.hidden = value == null;
      setValue(o.value, value, si(value, o.unit));
      const span = ranges[name];
      o.range.textContent = span ? `mixture 5th to 95th percentile: ${si(span[0], o.unit)} to ${si(span[1], o.unit)}` : "";
      for (const [cell, machineValue] of o.cells) {
        const r = value == null ? null : value / machineValue;
        setValue(cell, r, r == null ? "" : ratio(r));
      }
    }
    const x = out.compute_flops;
    const answers = [];
    for (const { p, cells } of parityRows) {
      const years = parity(p, x);
      PERCENTILES.forEach(([key], i) => setValue(cells[i], years[key], yearText(years, key)));
      cells[1].title = years.never || "";
      answers.push([p, years]);
    }
    headline(x, answers);
    command();
  }

  function headline(x, answers) {
    const n1 = data.machines.number1;
    const ai = data.machines.ai_leader;
    const hpl = current.ratios.number1.find((r) => r.key === "compute_hpl");
    const bf16 = current.ratios.ai_leader.find((r) => r.key === "compute_bf16");
    const parts = [];
    if (hpl) parts.push(`${ratio(x / hpl.value)} ${n1.name} (newest TOP500 #1, ${n1.date}, HPL)`);
    if (bf16) parts.push(`${ratio(x / bf16.value)} ${ai.name} (leading AI system, ${ai.date}, BF16)`);
    const lines = [`The brain: ${si(x, "FLOP/s")}${parts.length ? ": " : ""}${parts.join("; ")}.`];
    for (const [series, label] of [["top500", "TOP500 #1, HPL"], ["ai", "AI systems, BF16"]]) {
      const fitted = answers.filter(([p]) => p.series === series && p.forecast === "random_walk");
      if (!fitted.length) continue;
      const years = fitted.map(([, y]) => y);
      if (years[0].reached) {  // history dates it, whatever the forecast
        lines.push(`Parity (${label}): reached ${yearText(years[0], "year_median")} (${years[0].reached}).`);
        continue;
      }
      const medians = [...new Set(years.map((y) => yearText(y, "year_median")))];
      const earliest = years.reduce((a, b) => ((b.year_p5 ?? Infinity) < (a.year_p5 ?? Infinity) ? b : a));
      const latest = years.reduce((a, b) => ((b.year_p95 ?? Infinity) > (a.year_p95 ?? Infinity) || b.year_p95 == null ? b : a));
      lines.push(`Parity (${label}): ${medians.join(", ")}; 90% of paths ${yearText(earliest, "year_p5")} to ${yearText(latest, "year_p95")}.`);
    }
    $("answer").replaceChildren(...lines.map((t) => make("p", t)));
  }

  function quoted(text) {
    return /^[A-Za-z0-9_./:=+-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
  }

  function command() {
    const sets = sliders.map(({ input }) => `--set ${quoted(`${input.path}=${values[input.path]}`)}`);
    const fixed = data.fixed_sets.map((a) => `--set ${quoted(a)}`);
    $("command").textContent = ["brainflops", "estimate", quoted(current.ref), ...fixed, ...sets].join(" ");
  }

  $("reset").addEventListener("click", () => {
    values = medians(current.model);
    update();
  });
  $("copy").addEventListener("click", () => {
    const text = $("command").textContent;
    const done = (message) => { $("copied").textContent = message; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(() => done("copied"), () => done("select the line below and copy it"));
    } else done("select the line below and copy it");
  });
  select.addEventListener("change", () => {
    show(Number(select.value));
    try {
      history.replaceState(null, "", `#${current.model.scenario}`);
    } catch (e) {
      // a page opened where the address cannot change: the choice still holds
    }
  });

  const wanted = decodeURIComponent(location.hash.slice(1));
  const start = Math.max(0, scenarios.findIndex((s) => s.model.scenario === (wanted || data.first)));
  show(start);
})();
