//! Running the binary under a deadline, and optionally a memory limit, so
//! that a regression that hangs or swells fails the test instead of the
//! machine or the CI job.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a bounded run of the binary produced.
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Wall time until it exited.
    pub took: Duration,
}

impl Ran {
    pub fn both(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs `rehearse args` in `dir` with `NO_COLOR` and `CI` cleared, killing
/// it and failing the test if it is not done by `deadline`. With
/// `memory_kib`, the process's address space is limited to that many KiB
/// (through the shell's `ulimit -v`), so an allocation past it aborts.
pub fn rehearse(dir: &Path, args: &[&str], deadline: Duration, memory_kib: Option<u64>) -> Ran {
    let binary = env!("CARGO_BIN_EXE_rehearse");
    let mut command = match memory_kib {
        Some(limit) => {
            let mut shell = Command::new("sh");
            shell
                .arg("-c")
                .arg(format!("ulimit -v {limit} && exec \"$0\" \"$@\""))
                .arg(binary)
                .args(args);
            shell
        }
        None => {
            let mut direct = Command::new(binary);
            direct.args(args);
            direct
        }
    };
    command
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
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
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting works") {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`rehearse {args:?}` did not finish within {deadline:?}: killed");
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
