//! Running the binary under a deadline, and optionally a memory limit, so
//! that a regression that hangs or swells fails the test instead of the
//! machine or the CI job; and a small valid bot for the hostile tests.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Long enough for a debug build on a loaded machine; short enough that a
/// hang fails the test run rather than the CI job's own timeout.
pub const DEADLINE: Duration = Duration::from_secs(90);

/// A small valid bot: a flow, two personas and a scenario naming them as
/// `bot/flow.yaml` and `bot/personas.yaml` from `up` directories below the
/// project (`""` for a scenario at the project's root).
pub const FLOW: &str = r#"flow: demo
start: welcome
nodes:
  welcome:
    say: "Hi! How can we help?"
    buttons: ["Returns", "Talk to us"]
    routes:
      "Returns": returns_info
      "Talk to us": handoff
      fallback: welcome
  returns_info:
    say: "Returns are free for 30 days."
    next: done
  handoff:
    handoff: {queue: support}
  done:
    end: resolved
"#;

pub const PERSONAS: &str = r#"personas:
  - name: returner
    goals:
      - want: return a parcel
        taps: ["Returns"]
  - name: caller
    goals:
      - want: a person
        taps: ["Talk to us"]
"#;

/// The scenario, its flow and personas `up` directories above it under
/// `bot/` (`up` is `""` or `"../"`, `"../../"`...).
pub fn scenario(up: &str) -> String {
    format!(
        r#"scenario: demo
flow: {up}bot/flow.yaml
personas: [{up}bot/personas.yaml]
mix: {{returner: 0.5, caller: 0.5}}
duration: 100m
replications: 2
arrivals: {{poisson: {{per_hour: 60}}}}
agents:
  support: {{count: 2, handle_time: {{fixed: 5m}}}}
"#
    )
}

/// What a bounded run of the binary produced.
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Wall time until it exited.
    pub took: Duration,
}

impl Ran {
    /// Both outputs, for an assertion's message.
    pub fn both(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `rehearse args` in `dir` within [`DEADLINE`], with `NO_COLOR`, `CI`
/// and `GITHUB_STEP_SUMMARY` cleared (plus `env`).
pub fn bounded(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Ran {
    run_bounded(dir, args, env, DEADLINE, None)
}

/// Runs `rehearse args` in `dir` within `deadline`. With `memory_kib`, the
/// process's address space is limited to that many KiB (through the shell's
/// `ulimit -v`), so an allocation past it aborts.
pub fn rehearse(dir: &Path, args: &[&str], deadline: Duration, memory_kib: Option<u64>) -> Ran {
    run_bounded(dir, args, &[], deadline, memory_kib)
}

/// Runs `rehearse args` in `dir` with `NO_COLOR`, `CI` and
/// `GITHUB_STEP_SUMMARY` cleared (plus `env`), its outputs piped and
/// drained on threads (so a full pipe cannot block it), killing it and
/// failing the test if it is not done by `deadline`.
pub fn run_bounded(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    deadline: Duration,
    memory_kib: Option<u64>,
) -> Ran {
    let binary = env!("CARGO_BIN_EXE_rehearse");
    let mut command = match memory_kib {
        Some(limit) => {
            let mut shell = Command::new("sh");
            shell
                .arg("-c")
                .arg(format!("ulimit -v {limit} && exec \"$0\" \"$@\""))
                .arg(binary);
            shell
        }
        None => Command::new(binary),
    };
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    run_command(command, deadline, &format!("{args:?}"))
}

/// Spawns `command` (its outputs piped, or not), drains what is piped on
/// threads (so a full pipe cannot block it), and kills it and fails the
/// test if it is not done by `deadline`; `what` names it in that failure.
pub fn run_command(mut command: Command, deadline: Duration, what: &str) -> Ran {
    let mut child = command.spawn().expect("the binary starts");
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting works") {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`rehearse {what}` did not finish within {deadline:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = started.elapsed();
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    Ran {
        code: status.code(),
        stdout: text(stdout.join().unwrap_or_default()),
        stderr: text(stderr.join().unwrap_or_default()),
        took,
    }
}

/// A fresh directory `name` under cargo's temporary directory holding
/// `files` (directories made as needed), with the bot of [`FLOW`] and
/// [`PERSONAS`] under `bot/`.
pub fn project(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let bot = [("bot/flow.yaml", FLOW), ("bot/personas.yaml", PERSONAS)];
    for (file, text) in bot.iter().chain(files) {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Every file left under `dir` whose name ends in `.tmp`.
pub fn temporary_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).into_iter().flatten().flatten() {
            let path = entry.path();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                pending.push(path);
            } else if path.to_string_lossy().ends_with(".tmp") {
                found.push(path);
            }
        }
    }
    found
}
