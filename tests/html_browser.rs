//! The report pages in a real browser: headless Chromium, driven by its
//! command-line flags alone (no DevTools client).
//!
//! The pages are the ones users get, written by the `rehearse` binary: the
//! run page of every bundled scenario (`run … --out x.html`), the weekend
//! sale's with its campaign, follow-ups, retention and cost, a run with
//! sample conversations (`--transcripts`), a `check --html` page of a
//! failing check (a tightened bundled scenario whose snapshot differs, and
//! a bot whose every name is hostile), and the `compare --out x.html` page
//! of the shop's two flows.
//!
//! For each page and view (desktop and phone width, light and dark colour
//! scheme):
//! 1. a *probe* copy of the page, with a small script added after the page's
//!    own markup, is loaded with `--dump-dom`; the script measures what the
//!    browser laid out (every chart's box, its drawn shapes, its text
//!    alternative, text running off a chart, horizontal overflow) and writes
//!    it as JSON into the DOM that Chromium prints;
//! 2. the page itself is loaded with `--screenshot` at that full height and
//!    `--enable-logging=stderr`: any console message (an error, a blocked
//!    fetch or script) fails the test, and the PNG is decoded to check that
//!    each chart's box holds non-background pixels in several colours.
//!
//! Screenshots are kept in `target/screenshots/` for people to look at,
//! with `readme-*.png`, the top of a page at a fixed size, for the pictures
//! of the README and the guide (copied by hand into `docs/src/images/`:
//! run-page.png, check-page.png, run-page-phone-dark.png and
//! compare-page.png). Every Chromium run is killed,
//! with its process group, after a timeout. Without Chromium the test is
//! skipped with a note, unless `CI` is set: then it fails, because CI must
//! run it (`.ci/run` installs Chromium).

mod common;

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The flags this machine needs (see the environment notes): no sandbox as
/// root, no GPU, and no background connections, which the closed network
/// would refuse.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
];

/// One Chromium run takes about a second here; this is for a stuck one.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Where Chromium is: `REHEARSE_CHROMIUM`, else Debian's `/usr/bin/chromium`.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("REHEARSE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.is_file() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!(
            "CI is set but there is no Chromium at {}: the browser test must run in CI \
             (.ci/run installs Debian's chromium)",
            path.display()
        );
    }
    // Written to the process's standard error rather than with eprintln!,
    // which the test harness captures: a skip must be seen.
    let _ = writeln!(
        std::io::stderr(),
        "note: browser test skipped: no Chromium at {} (apt-get install chromium, or set REHEARSE_CHROMIUM)",
        path.display()
    );
    None
}

/// The target directory (`target/` or `CARGO_TARGET_DIR`).
fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

fn work_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What one Chromium run printed.
struct Run {
    stdout: String,
    stderr: String,
}

impl Run {
    /// The page's console messages. Chromium logs them as
    /// `[…:INFO:CONSOLE:5] "message", source: file:///… (5)`.
    fn console(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|line| line.contains(":CONSOLE"))
            .collect()
    }
}

fn read_all(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Ends the whole process group Chromium started (browser, renderer, GPU
/// and utility processes), so that nothing outlives the test.
fn kill_group(child: &Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
}

/// Runs Chromium with the machine's flags, a fresh profile and `args`, in
/// its own process group, killing the group after [`TIMEOUT`].
fn run_chromium(chromium: &Path, name: &str, args: &[String]) -> Run {
    let profile = work_dir().join(format!("profile-{name}"));
    let _ = std::fs::remove_dir_all(&profile);
    let mut child = Command::new(chromium)
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium.display()));
    let stdout = read_all(child.stdout.take().unwrap());
    let stderr = read_all(child.stderr.take().unwrap());
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(25)),
            _ => break None,
        }
    };
    kill_group(&child);
    let _ = child.wait();
    let run = Run {
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    };
    let _ = std::fs::remove_dir_all(&profile);
    match status {
        Some(status) if status.success() => run,
        Some(status) => panic!("Chromium ({name}) exited with {status}:\n{}", run.stderr),
        None => panic!(
            "Chromium ({name}) ran longer than {TIMEOUT:?} and was killed:\n{}",
            run.stderr
        ),
    }
}

/// The page's policy, and the same with inline scripts allowed for the probe.
const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'\"";
const PROBE_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\"";

/// Measures the laid-out page after load and appends the result as JSON in
/// `<pre id="probe">` (with `<`, `>`, `&` as JSON escapes, so the dumped DOM
/// needs no unescaping).
const PROBE: &str = r#"<script>
addEventListener('load', () => {
  const background = getComputedStyle(document.body).backgroundColor;
  const number = text => parseFloat(text) || 0;
  const charts = [...document.querySelectorAll('svg.chart')].map(svg => {
    const box = svg.getBoundingClientRect();
    const view = svg.viewBox.baseVal;
    const painted = [...svg.querySelectorAll('rect, line, polyline, circle, path')].filter(el => {
      const style = getComputedStyle(el);
      const b = el.getBBox();
      const filled = style.fill !== 'none' && style.fill !== background
        && number(style.fillOpacity) > 0 && b.width > 0 && b.height > 0;
      const stroked = style.stroke !== 'none' && number(style.strokeWidth) > 0 && (b.width > 0 || b.height > 0);
      return style.visibility === 'visible' && number(style.opacity) > 0 && (filled || stroked);
    }).length;
    const outside = [...svg.querySelectorAll('text')].filter(t => {
      const b = t.getBBox();
      return b.x < view.x - 1 || b.x + b.width > view.x + view.width + 1
        || b.y < view.y - 1 || b.y + b.height > view.y + view.height + 1;
    }).map(t => t.textContent);
    const sizes = [...svg.querySelectorAll('text')].map(t => number(getComputedStyle(t).fontSize));
    // A stroke on text (inherited from a page element) blurs it.
    const stroked = [...svg.querySelectorAll('text')].filter(t => getComputedStyle(t).stroke !== 'none').length;
    return {
      label: svg.getAttribute('aria-label') || '',
      role: svg.getAttribute('role') || '',
      title: svg.querySelector(':scope > title')?.textContent || '',
      desc: svg.querySelector(':scope > desc')?.textContent || '',
      x: box.left + scrollX, y: box.top + scrollY, width: box.width, height: box.height,
      painted,
      outside,
      stroked,
      smallestTextPx: Math.min(...sizes) * box.width / view.width,
    };
  });
  const result = {
    dark: matchMedia('(prefers-color-scheme: dark)').matches,
    background,
    viewportWidth: innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
    charts,
    scripts: document.scripts.length,
    images: document.images.length,
    handlers: [...document.querySelectorAll('*')]
      .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
  };
  const json = JSON.stringify(result)
    .replace(/[<>&]/g, c => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  if (parent !== window) {
    parent.postMessage(json, '*');
  } else {
    const pre = document.createElement('pre');
    pre.id = 'probe';
    pre.textContent = json;
    document.body.append(pre);
  }
});
</script></body>"#;

/// Chromium's headless window is at least this wide; narrower views show
/// the page in an iframe of the view's width, so its media queries and
/// layout see a phone's width.
const MIN_WINDOW: u32 = 500;

/// A page that shows `src` in an iframe `width` × `height` at its top left,
/// and writes what a probe inside posts to it where `--dump-dom` prints it.
fn framed(src: &Path, width: u32, height: u64) -> PathBuf {
    let name = src.file_stem().and_then(|s| s.to_str()).unwrap_or("page");
    let path = work_dir().join(format!("{name}-in-{width}x{height}.html"));
    let html = format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"/><style>html, body {{ margin: 0; background: #808080; }} iframe {{ display: block; border: 0; }}</style></head><body><iframe src="{}" width="{width}" height="{height}"></iframe><script>addEventListener('message', event => {{ const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = event.data; document.body.append(pre); }});</script></body></html>"#,
        src.file_name().and_then(|s| s.to_str()).unwrap_or_default()
    );
    std::fs::write(&path, html).unwrap();
    path
}

/// A width and colour scheme to look at the page in.
#[derive(Debug, Clone, Copy)]
struct View {
    name: &'static str,
    width: u32,
    dark: bool,
}

const VIEWS: [View; 4] = [
    View {
        name: "desktop-light",
        width: 1280,
        dark: false,
    },
    View {
        name: "desktop-dark",
        width: 1280,
        dark: true,
    },
    View {
        name: "phone-light",
        width: 390,
        dark: false,
    },
    View {
        name: "phone-dark",
        width: 390,
        dark: true,
    },
];

fn scheme_flag(view: View) -> String {
    // 0 is dark, 1 is light: Blink's PreferredColorScheme enum.
    format!(
        "--blink-settings=preferredColorScheme={}",
        if view.dark { 0 } else { 1 }
    )
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// `rgb(20, 24, 28)` → `[20, 24, 28]`.
fn parse_rgb(css: &str) -> [u8; 3] {
    let numbers: Vec<u8> = css
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    assert!(numbers.len() >= 3, "not a colour: {css}");
    [numbers[0], numbers[1], numbers[2]]
}

/// Probes the page laid out in `view` and returns the measurements.
fn probe(chromium: &Path, probe_page: &Path, view: View) -> Value {
    let page = if view.width < MIN_WINDOW {
        framed(probe_page, view.width, 900)
    } else {
        probe_page.to_path_buf()
    };
    let run = run_chromium(
        chromium,
        &format!("probe-{}", view.name),
        &[
            format!("--window-size={},900", view.width.max(MIN_WINDOW)),
            scheme_flag(view),
            "--virtual-time-budget=2000".to_string(),
            "--dump-dom".to_string(),
            file_url(&page),
        ],
    );
    let start = run
        .stdout
        .find("<pre id=\"probe\">")
        .map(|s| s + "<pre id=\"probe\">".len());
    let end = run.stdout.rfind("</pre>");
    let (Some(start), Some(end)) = (start, end) else {
        panic!("{}: the probe wrote nothing:\n{}", view.name, run.stderr)
    };
    serde_json::from_str(&run.stdout[start..end])
        .unwrap_or_else(|e| panic!("{}: bad probe JSON: {e}", view.name))
}

/// A decoded RGB(A) screenshot.
struct Screenshot {
    width: usize,
    height: usize,
    channels: usize,
    pixels: Vec<u8>,
}

impl Screenshot {
    fn load(path: &Path) -> Screenshot {
        let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().expect("a PNG screenshot");
        let mut pixels = vec![0; reader.output_buffer_size().expect("a sane PNG size")];
        let info = reader.next_frame(&mut pixels).expect("a PNG frame");
        let channels = match info.color_type {
            png::ColorType::Rgba => 4,
            png::ColorType::Rgb => 3,
            other => panic!("unexpected screenshot colour type {other:?}"),
        };
        pixels.truncate(info.buffer_size());
        Screenshot {
            width: info.width as usize,
            height: info.height as usize,
            channels,
            pixels,
        }
    }

    fn rgb(&self, x: usize, y: usize) -> [u8; 3] {
        let at = (y * self.width + x) * self.channels;
        [self.pixels[at], self.pixels[at + 1], self.pixels[at + 2]]
    }

    /// The share of pixels in the box that differ clearly from `background`,
    /// and how many distinct colours (at 4 bits a channel) they have.
    /// Every other pixel in both directions is enough, and keeps this fast
    /// in an unoptimised test build.
    fn ink(&self, (x, y, w, h): (usize, usize, usize, usize), background: [u8; 3]) -> (f64, usize) {
        let (mut seen, mut inked) = (0usize, 0usize);
        let mut colours = vec![false; 4096];
        let (x_end, y_end) = ((x + w).min(self.width), (y + h).min(self.height));
        for py in (y..y_end).step_by(2) {
            for px in (x..x_end).step_by(2) {
                let [r, g, b] = self.rgb(px, py);
                let distance = u32::from(r.abs_diff(background[0]))
                    + u32::from(g.abs_diff(background[1]))
                    + u32::from(b.abs_diff(background[2]));
                seen += 1;
                if distance > 48 {
                    inked += 1;
                    colours[usize::from(r >> 4) << 8
                        | usize::from(g >> 4) << 4
                        | usize::from(b >> 4)] = true;
                }
            }
        }
        (
            inked as f64 / seen.max(1) as f64,
            colours.iter().filter(|&&c| c).count(),
        )
    }
}

/// A page written for the browser, and its probe copy.
struct PageFile {
    /// Its name in screenshots and messages (`run-shop`).
    name: String,
    page: PathBuf,
    probe: PathBuf,
    /// How many charts its markup has.
    charts: usize,
    /// The views to check it in.
    views: &'static [View],
}

/// Loads the page in `view`: probes it, takes a full-page screenshot with
/// console logging on, and checks both. Returns a line for the test log.
fn check_view(chromium: &Path, file: &PageFile, view: View) -> String {
    let started = Instant::now();
    let (page, probe_page) = (file.page.as_path(), file.probe.as_path());
    let measured = probe(chromium, probe_page, view);
    let name = &format!("{}-{}", file.name, view.name);

    assert_eq!(
        measured["dark"], view.dark,
        "{name}: colour scheme not applied"
    );
    assert_eq!(measured["viewportWidth"], view.width, "{name}: viewport");
    let scroll_width = measured["scrollWidth"].as_u64().unwrap();
    assert!(
        scroll_width <= u64::from(view.width),
        "{name}: the page is {scroll_width}px wide in a {}px viewport",
        view.width
    );
    // The probe is the only script, and hostile names made no elements.
    assert_eq!(measured["scripts"], 1, "{name}: scripts");
    assert_eq!(measured["images"], 0, "{name}: images");
    assert_eq!(measured["handlers"], 0, "{name}: event handler attributes");

    // Problems are gathered, not asserted one by one, so one run shows
    // them all; the screenshot is taken either way, to look at.
    let mut problems = Vec::new();
    let charts = measured["charts"].as_array().unwrap();
    assert_eq!(charts.len(), file.charts, "{name}: charts in the DOM");
    for chart in charts {
        let label = chart["label"].as_str().unwrap();
        let mut expect = |ok: bool, what: String| {
            if !ok {
                problems.push(format!("{name}: {label}: {what}"));
            }
        };
        expect(chart["role"] == "img", format!("role {}", chart["role"]));
        expect(!label.is_empty(), "no aria-label".to_string());
        expect(
            chart["title"] == label,
            format!("<title> {}", chart["title"]),
        );
        expect(
            // A text alternative states the chart's numbers.
            chart["desc"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| c.is_ascii_digit()),
            format!("<desc> {}", chart["desc"]),
        );
        let (width, height) = (
            chart["width"].as_f64().unwrap(),
            chart["height"].as_f64().unwrap(),
        );
        expect(
            width > 300.0 && height > 40.0,
            format!("{width}x{height}px"),
        );
        let painted = chart["painted"].as_u64().unwrap();
        expect(painted >= 5, format!("only {painted} shapes painted"));
        expect(
            chart["outside"] == serde_json::json!([]),
            format!("text runs off: {}", chart["outside"]),
        );
        expect(
            chart["stroked"] == 0,
            format!("{} texts drawn with a stroke", chart["stroked"]),
        );
        let font = chart["smallestTextPx"].as_f64().unwrap();
        expect(font >= 8.5, format!("text as small as {font:.1}px"));
    }

    // The page itself, full height, with console logging.
    let height = measured["height"].as_u64().unwrap().min(20_000);
    let shot = target_dir().join("screenshots").join(format!("{name}.png"));
    std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&shot);
    let window = view.width.max(MIN_WINDOW);
    let shown = if view.width < MIN_WINDOW {
        framed(page, view.width, height)
    } else {
        page.to_path_buf()
    };
    let run = run_chromium(
        chromium,
        &format!("shot-{name}"),
        &[
            format!("--window-size={window},{height}"),
            scheme_flag(view),
            "--enable-logging=stderr".to_string(),
            "--v=0".to_string(),
            "--virtual-time-budget=2000".to_string(),
            format!("--screenshot={}", shot.display()),
            file_url(&shown),
        ],
    );
    assert_eq!(
        run.console(),
        Vec::<&str>::new(),
        "{name}: console messages"
    );

    let shot_done = started.elapsed();
    let screenshot = Screenshot::load(&shot);
    assert_eq!(
        (screenshot.width, screenshot.height as u64),
        (window as usize, height),
        "{name}: screenshot size"
    );
    let background = parse_rgb(measured["background"].as_str().unwrap());
    let corner = screenshot.rgb(1, 1);
    assert_eq!(corner, background, "{name}: page background");
    let luminance = corner.iter().map(|&c| u32::from(c)).sum::<u32>() / 3;
    assert!(
        if view.dark {
            luminance < 60
        } else {
            luminance > 200
        },
        "{name}: background {corner:?}"
    );
    let mut least = f64::INFINITY;
    for chart in charts {
        let at = |key: &str| chart[key].as_f64().unwrap().round().max(0.0) as usize;
        let (ink, colours) =
            screenshot.ink((at("x"), at("y"), at("width"), at("height")), background);
        let label = chart["label"].as_str().unwrap();
        if ink < 0.03 || colours < 3 {
            problems.push(format!(
                "{name}: {label}: {:.1}% ink in {colours} colours",
                ink * 100.0
            ));
        }
        least = least.min(ink);
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    format!(
        "{name}: {} charts, least ink {:.0}%, {window}x{height} screenshot {}; {:.1}s in Chromium, {:.1}s in all",
        charts.len(),
        least * 100.0,
        shot.display(),
        shot_done.as_secs_f64(),
        started.elapsed().as_secs_f64()
    )
}

/// The bundled scenarios, each with the name of its run page.
const BUNDLED: [(&str, &str); 6] = [
    ("run-shop", "scenarios/shop/peak-hour.yaml"),
    ("run-shop-sale", "scenarios/shop/weekend-sale.yaml"),
    ("run-bank", "scenarios/bank/lunchtime-peak.yaml"),
    ("run-clinic-monday", "scenarios/clinic/monday-8am.yaml"),
    ("run-clinic-weekday", "scenarios/clinic/weekday.yaml"),
    // French and Arabic: right-to-left names and titles.
    ("run-telecom", "scenarios/telecom/evening.yaml"),
];

/// Every view; the pages that show everything are checked in all four.
const ALL_VIEWS: &[View] = &VIEWS;
/// A wide light view and a narrow dark one: the two extremes.
const TWO_VIEWS: &[View] = &[VIEWS[0], VIEWS[3]];

/// Runs `rehearse` in `dir` with `args`, expecting exit code `code`.
fn rehearse(dir: &Path, args: &[&str], code: i32) {
    let output = common::rehearse_in(dir, args);
    assert_eq!(
        output.status.code(),
        Some(code),
        "rehearse {args:?}:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A failing check in a copy of the repository's layout: the README's
/// failure, the shop bot with a stricter order-number check that hands
/// every miss to a person (expectations fail, the snapshot differs).
fn check_page(into: &Path) {
    let root = common::root();
    let dir = work_dir().join("check-repo");
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["scenarios/shop", "snapshots"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    for file in ["flow.yaml", "personas.yaml", "peak-hour.yaml"] {
        std::fs::copy(
            root.join("scenarios/shop").join(file),
            dir.join("scenarios/shop").join(file),
        )
        .unwrap();
    }
    let flow = std::fs::read_to_string(root.join("scenarios/shop/flow.yaml")).unwrap();
    let stricter = flow.replace(
        "    expect: {pattern: '(?i)^\\s*[A-Z][0-9]{6}\\s*$'}\n    routes:\n      valid: lookup_order\n      invalid: ask_order_again",
        "    expect: {pattern: '^[A-Z][0-9]{6}$'}\n    routes:\n      valid: lookup_order\n      invalid: handoff_support",
    );
    assert_ne!(stricter, flow, "the shop flow changed; update this test");
    std::fs::write(dir.join("scenarios/shop/flow.yaml"), stricter).unwrap();
    std::fs::copy(
        root.join("snapshots/shop-peak-hour.snap"),
        dir.join("snapshots/shop-peak-hour.snap"),
    )
    .unwrap();
    rehearse(&dir, &["check", "--html", &into.display().to_string()], 1);
}

/// A failing check of the bot whose every name is hostile: its expectation
/// fails, and it has no approved report yet.
fn hostile_check_page(into: &Path) {
    let dir = work_dir().join("hostile-repo");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("scenarios/hostile")).unwrap();
    for (file, text) in [
        ("flow.yaml", common::hostile::FLOW),
        ("personas.yaml", common::hostile::PERSONAS),
        ("scenario.yaml", common::hostile::SCENARIO),
    ] {
        std::fs::write(dir.join("scenarios/hostile").join(file), text).unwrap();
    }
    rehearse(&dir, &["check", "--html", &into.display().to_string()], 1);
}

/// Writes every page and its probe copy, with the binary as a user would.
fn write_pages() -> Vec<PageFile> {
    let root = common::root();
    let dir = work_dir();
    let mut pages: Vec<(String, &'static [View])> = Vec::new();
    for (name, scenario) in BUNDLED {
        let out = dir.join(format!("{name}.html"));
        rehearse(
            root,
            &["run", scenario, "--out", &out.display().to_string()],
            0,
        );
        let views = if name == "run-shop" {
            ALL_VIEWS
        } else {
            TWO_VIEWS
        };
        pages.push((name.to_string(), views));
    }
    let out = dir.join("run-transcripts.html");
    rehearse(
        root,
        &[
            "run",
            "scenarios/clinic/monday-8am.yaml",
            "--replications",
            "2",
            "--transcripts",
            "3",
            "--format",
            "html",
            "--out",
            &out.display().to_string(),
        ],
        0,
    );
    pages.push(("run-transcripts".to_string(), TWO_VIEWS));
    check_page(&dir.join("check.html"));
    pages.push(("check".to_string(), ALL_VIEWS));
    hostile_check_page(&dir.join("check-hostile.html"));
    pages.push(("check-hostile".to_string(), TWO_VIEWS));
    // The README's comparison: the shop's version 1.3 against 1.2.
    let out = dir.join("compare.html");
    rehearse(
        root,
        &[
            "compare",
            "scenarios/shop/peak-hour.yaml",
            "--flow",
            "scenarios/shop/flow-v2.yaml",
            "--out",
            &out.display().to_string(),
        ],
        0,
    );
    pages.push(("compare".to_string(), ALL_VIEWS));

    pages
        .into_iter()
        .map(|(name, views)| {
            let page = dir.join(format!("{name}.html"));
            let html = std::fs::read_to_string(&page).unwrap();
            assert!(
                html.contains(POLICY),
                "the page's policy changed; update the probe"
            );
            let probe = dir.join(format!("{name}-probe.html"));
            let probe_html = html.replace(POLICY, PROBE_POLICY).replace("</body>", PROBE);
            std::fs::write(&probe, probe_html).unwrap();
            PageFile {
                charts: html.matches("<svg xmlns=").count(),
                name,
                page,
                probe,
                views,
            }
        })
        .collect()
}

/// Writes the top left `width` × `height` pixels of a screenshot as a PNG.
fn crop(screenshot: &Screenshot, width: usize, height: usize, into: &Path) {
    let (width, height) = (width.min(screenshot.width), height.min(screenshot.height));
    let mut pixels = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            pixels.extend_from_slice(&screenshot.rgb(x, y));
        }
    }
    let file = std::fs::File::create(into).unwrap();
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width as u32, height as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&pixels).unwrap();
}

/// The tops of three pages at a fixed size, for the README and the guide: written next
/// to the other screenshots as `readme-*.png`, cut to the view's width.
fn readme_shots(chromium: &Path, pages: &[PageFile]) {
    for (page, width, height, dark) in [
        ("run-shop", 1000, 1700, false),
        ("check", 1000, 1500, false),
        ("compare", 1000, 1700, false),
        ("run-shop", 390, 1400, true),
    ] {
        let file = pages.iter().find(|p| p.name == page).unwrap();
        let scheme = if dark { "dark" } else { "light" };
        let shot = target_dir()
            .join("screenshots")
            .join(format!("readme-{page}-{width}-{scheme}.png"));
        let shown = if width < MIN_WINDOW {
            framed(&file.page, width, height)
        } else {
            file.page.clone()
        };
        run_chromium(
            chromium,
            &format!("readme-{page}-{width}"),
            &[
                format!("--window-size={},{height}", width.max(MIN_WINDOW)),
                scheme_flag(View {
                    name: "readme",
                    width,
                    dark,
                }),
                "--virtual-time-budget=2000".to_string(),
                format!("--screenshot={}", shot.display()),
                file_url(&shown),
            ],
        );
        let screenshot = Screenshot::load(&shot);
        assert_eq!(screenshot.height as u64, height);
        crop(&screenshot, width as usize, height as usize, &shot);
    }
}

#[test]
fn report_pages_render_in_chromium() {
    let Some(chromium) = chromium() else { return };
    let started = Instant::now();
    let pages = write_pages();
    let jobs: Vec<(&PageFile, View)> = pages
        .iter()
        .flat_map(|page| page.views.iter().map(move |&view| (page, view)))
        .collect();
    // Two views at a time: the machine has two cores.
    for pair in jobs.chunks(2) {
        let lines: Vec<String> = thread::scope(|scope| {
            let handles: Vec<_> = pair
                .iter()
                .map(|&(page, view)| {
                    let chromium = &chromium;
                    scope.spawn(move || check_view(chromium, page, view))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        for line in lines {
            eprintln!("{line}");
        }
    }
    readme_shots(&chromium, &pages);
    eprintln!(
        "browser test: {} pages in {} views, {:.1}s",
        pages.len(),
        jobs.len(),
        started.elapsed().as_secs_f64()
    );
}

/// The page's Content-Security-Policy really stops scripts: the same probe,
/// without the relaxed policy, never runs, and Chromium says why.
#[test]
fn content_security_policy_blocks_scripts() {
    let Some(chromium) = chromium() else { return };
    let dir = work_dir().join("csp");
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("page.html");
    rehearse(
        common::root(),
        &[
            "run",
            "scenarios/shop/peak-hour.yaml",
            "--replications",
            "1",
            "--out",
            &page.display().to_string(),
        ],
        0,
    );
    let html = std::fs::read_to_string(&page).unwrap();
    let blocked = dir.join("blocked.html");
    std::fs::write(&blocked, html.replace("</body>", PROBE)).unwrap();
    let run = run_chromium(
        &chromium,
        "csp",
        &[
            "--enable-logging=stderr".to_string(),
            "--v=0".to_string(),
            "--virtual-time-budget=2000".to_string(),
            "--dump-dom".to_string(),
            file_url(&blocked),
        ],
    );
    assert!(
        !run.stdout.contains("<pre id=\"probe\">"),
        "the probe ran despite the policy"
    );
    let console = run.console();
    assert!(
        console
            .iter()
            .any(|line| line.contains("Content Security Policy")),
        "no policy violation reported: {console:?}"
    );
}
