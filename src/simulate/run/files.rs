//! File commands (coreutils semantics, as in Debian and busybox): `echo`, `printf`, `cat`,
//! `tee`, `mkdir`, `touch`, `rm`, `rmdir`, `cp`, `mv`, `ln`, `chmod`, `chown`, `chgrp`,
//! `install`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::exec::{parent_of, Call, Outcome, Sim, Status, Stream};
use super::{printf, EffectKind};
use crate::fs::{Content, Node, NodeKind};
use crate::simulate::chmod::Chmod;
use crate::simulate::Certainty;

/// Parsed arguments: short flags (clusters split), long flags, values of options that take
/// one, and operands.
pub(crate) struct Args {
    pub flags: Vec<char>,
    pub long: Vec<String>,
    pub values: BTreeMap<char, String>,
    pub operands: Vec<String>,
}

impl Args {
    /// `with_value`: short options that take a value (`-m 755`, `-m755`).
    pub(crate) fn parse(args: &[String], with_value: &[char]) -> Args {
        let mut out = Args {
            flags: Vec::new(),
            long: Vec::new(),
            values: BTreeMap::new(),
            operands: Vec::new(),
        };
        let mut iter = args.iter();
        let mut only_operands = false;
        while let Some(arg) = iter.next() {
            if only_operands || arg == "-" || !arg.starts_with('-') {
                out.operands.push(arg.clone());
                continue;
            }
            if arg == "--" {
                only_operands = true;
                continue;
            }
            if let Some(long) = arg.strip_prefix("--") {
                out.long.push(long.to_string());
                continue;
            }
            let chars: Vec<char> = arg.chars().skip(1).collect();
            for (i, &c) in chars.iter().enumerate() {
                if with_value.contains(&c) {
                    let rest: String = chars[i + 1..].iter().collect();
                    let value = if rest.is_empty() {
                        iter.next().cloned().unwrap_or_default()
                    } else {
                        rest
                    };
                    out.values.insert(c, value);
                    break;
                }
                out.flags.push(c);
            }
        }
        out
    }

    pub(crate) fn has(&self, c: char) -> bool {
        self.flags.contains(&c)
    }

    pub(crate) fn has_long(&self, name: &str) -> bool {
        self.long
            .iter()
            .any(|l| l == name || l.starts_with(&format!("{name}=")))
    }

    pub(crate) fn long_value(&self, name: &str) -> Option<String> {
        self.long
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{name}=")).map(str::to_string))
    }
}

pub(crate) fn run(sim: &mut Sim, call: &Call) -> Outcome {
    let args: Vec<String> = call.argv.iter().skip(1).cloned().collect();
    match call.program() {
        "echo" => {
            // dash (Debian/Ubuntu's /bin/sh) interprets escapes; bash and busybox ash do not.
            let busybox = sim
                .input
                .distro
                .as_ref()
                .is_some_and(|d| d.family == "alpine" || d.family == "busybox");
            Outcome::output(printf::echo(&args, !sim.bash && !busybox))
        }
        "printf" => match args.split_first() {
            Some((format, rest)) => match printf::printf(format, rest) {
                Some(bytes) => Outcome::output(bytes),
                None => Outcome {
                    status: Status::Success,
                    stdout: Stream::Unknown(None),
                },
            },
            None => Outcome::fail("printf: usage: printf format [arg ...]"),
        },
        "cat" => cat(sim, call, &args),
        "tee" => tee(sim, call, &args),
        "mkdir" => mkdir(sim, call, &args),
        "touch" => touch(sim, call, &args),
        "rm" => rm(sim, call, &args),
        "rmdir" => rmdir(sim, call, &args),
        "cp" => cp(sim, call, &args),
        "mv" => mv(sim, call, &args),
        "ln" => ln(sim, call, &args),
        "chmod" => chmod(sim, call, &args),
        "chown" | "chgrp" => chown(sim, call, &args),
        "install" => install(sim, call, &args),
        _ => super::exec::unknown_command(sim, call),
    }
}

/// The bytes of a file in the tree as a stream (unknown when the file is not known).
pub(crate) fn read_stream(sim: &Sim, path: &str) -> Stream {
    let abs = sim.abs(path);
    match sim.tree.lookup(&abs) {
        Ok(node) => match node.content() {
            Some(Content::Known(bytes)) => Stream::Known(bytes.to_vec()),
            Some(Content::Unknown { estimated_size, .. }) => Stream::Unknown(*estimated_size),
            None => Stream::Unknown(None),
        },
        Err(_) => Stream::Unknown(None),
    }
}

/// Sum of the sizes of the regular files in a node (known or estimated).
pub(crate) fn node_bytes(node: &Node) -> u64 {
    let mut total = node.content().and_then(Content::size).unwrap_or(0);
    node.visit_descendants(&mut Vec::new(), &mut |_, child| {
        total += child.content().and_then(Content::size).unwrap_or(0);
    });
    total
}

/// Whether every file in a node is known.
fn node_known(node: &Node) -> bool {
    let mut known = node.content().is_none_or(Content::is_known);
    node.visit_descendants(&mut Vec::new(), &mut |_, child| {
        if child.content().is_some_and(|c| !c.is_known()) {
            known = false;
        }
    });
    known
}

/// A failure when the tree is complete; on an unknown base the path may exist there.
fn missing_outcome(sim: &mut Sim, call: &Call, message: String, what: &str) -> Outcome {
    if sim.input.base_known {
        Outcome::fail(message)
    } else {
        sim.effect(
            call,
            EffectKind::Unknown,
            Certainty::Unknown,
            format!("{what}: not in the simulated files; it may come from the base image, whose files are not known"),
        );
        Outcome::unknown()
    }
}

fn cat(sim: &mut Sim, call: &Call, args: &[String]) -> Outcome {
    let parsed = Args::parse(args, &[]);
    if parsed.operands.is_empty() {
        return Outcome {
            status: Status::Success,
            stdout: call.stdin.clone(),
        };
    }
    let mut out = Stream::Empty;
    for operand in &parsed.operands {
        if operand == "-" {
            out.append(call.stdin.clone());
            continue;
        }
        let abs = sim.abs(operand);
        match sim.tree.lookup(&abs) {
            Ok(node) if node.is_dir() => {
                return Outcome::fail(format!("cat: {operand}: Is a directory"))
            }
            Ok(_) => out.append(read_stream(sim, operand)),
            Err(_) if sim.input.base_known => {
                return Outcome::fail(format!("cat: {operand}: No such file or directory"))
            }
            Err(_) => out.append(Stream::Unknown(None)),
        }
    }
    Outcome {
        status: Status::Success,
        stdout: out,
    }
}

fn tee(sim: &mut Sim, call: &Call, args: &[String]) -> Outcome {
    let parsed = Args::parse(args, &[]);
    let append = parsed.has('a') || parsed.has_long("append");
    for file in &parsed.operands {
        match sim.write_stream(file, call.stdin.clone(), append) {
            Ok((certainty, size)) => {
                let abs = sim.abs(file);
                let effect = sim.effect(call, EffectKind::Write, certainty, format!("tee {abs}"));
                effect.bytes = (certainty == Certainty::Exact).then_some(size);
                effect.paths.push(abs);
            }
            Err(message) => return Outcome::fail(format!("tee: {message}")),
        }
    }
    Outcome {
        status: Status::Success,
        stdout: call.stdin.clone(),
    }
}

fn mkdir(sim: &mut Sim, call: &Call, args: &[String]) -> Outcome {
    let parsed = Args::parse(args, &['m']);
    let parents = parsed.has('p') || parsed.has_long("parents");
    let mode = match parsed
        .values
        .get(&'m')
        .or(parsed.long_value("mode").as_ref())
    {
        Some(spec) => match Chmod::parse(spec) {
            Ok(chmod) => Some(chmod.apply(0o777 & !0o022, true)),
            Err(e) => return Outcome::fail(format!("mkdir: {e}")),
        },
        None => None,
    };
    let mut created = Vec::new();
    for dir in &parsed.operands {
        let abs = sim.abs(dir);
        let result = if parents {
            let before: Vec<String> = ancestors(&abs)
                .into_iter()
                .filter(|p| sim.tree.lookup(p).is_err())
                .collect();
            let r = sim.tree.mkdir_p(&abs, sim.meta(0o755));
            created.extend(before);
            r
        } else {
            let parent = parent_of(&abs);
            if sim.tree.lookup(&parent).is_err() && !sim.input.base_known {
                // The parent may be in the base image.
                let _ = sim.tree.mkdir_p(&parent, sim.meta(0o755));
            }
            let r = sim.tree.mkdir(&abs, sim.meta(0o755));
            if r.is_ok() {
                created.push(abs.clone());
            }
            r
        };
        if let Err(error) = result {
            let message = match error {
                crate::fs::FsError::AlreadyExists(_) => {
                    format!("mkdir: can't create directory '{dir}': File exists")
                }
                crate::fs::FsError::NotFound(_) => {
                    format!("mkdir: can't create directory '{dir}': No such file or directory")
                }
                other => format!("mkdir: {dir}: {other}"),
            };
            return Outcome::fail(message);
        }
        if let Some(mode) = mode {
            let _ = sim.tree.chmod(&abs, mode);
        }
    }
    let description = format!("mkdir {}", parsed.operands.join(" "));
    let effect = sim.effect(call, EffectKind::Write, Certainty::Exact, description);
    effect.bytes = Some(0);
    effect.paths = created;
    Outcome::ok()
}

/// `/a/b/c` → `/a`, `/a/b`, `/a/b/c`.
fn ancestors(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for component in crate::fs::path::components(path) {
        current.push('/');
        current.push_str(&component);
        out.push(current.clone());
    }
    out
}

fn touch(sim: &mut Sim, call: &Call, args: &[String]) -> Outcome {
    let parsed = Args::parse(args, &['d', 't', 'r']);
    let no_create = parsed.has('c');
    let mut paths = Vec::new();
    for file in &parsed.operands {
        let abs = sim.abs(file);
        let resolved = sim.tree.resolve(&abs, true).unwrap_or(abs.clone());
        if sim.tree.lookup(&resolved).is_ok() {
            let _ = sim.tree.set_mtime(&resolved, sim.input.mtime);
        } else if !no_create {
            if sim.tree.lookup(&parent_of(&resolved)).is_err() {
                if sim.input.base_known {
                    return Outcome::fail(format!(
                        "touch: cannot touch '{file}': No such file or directory"
                    ));
                }
                let _ = sim.tree.mkdir_p(&parent_of(&resolved), sim.meta(0o755));
            }
            if let Err(error) =
                sim.tree
                    .write_file(&resolved, Content::known(Vec::new()), sim.meta(0o644))
            {
                return Outcome::fail(format!("touch: {file}: {error}"));
            }
        }
        paths.push(resolved);
    }
    let effect = sim.effect(
        call,
        EffectKind::Write,
        Certainty::Exact,
        format!("touch {}", parsed.operands.join(" ")),
    );
    effect.bytes = Some(0);
    effect.paths = paths;
    Outcome::ok()
}

fn rm(sim: &mut Sim, call: &Call, args: &[String]) -> Outcome {
    let parsed = Args::parse(args, &[]);
    let force = parsed.has('f') || parsed.has_long("force");
    let recursive = parsed.has('r') || parsed.has('R') || parsed.has_long("recursive");
    let mut removed_bytes = 0;
    let mut paths = Vec::new();
    let mut certainty = Certainty::Exact;
    let mut notes = Vec::new();
    for target in &parsed.operands {
        let abs = sim.abs(target);
        if abs == "/" {
            return Outcome::fail("rm: it is dangerous to operate recursively on '/'");
        }
        let node = match sim.tree.lookup_nofollow(&abs) {
            Ok(node) => node.clone(),
            Err(_) => {
                if !sim.input.base_known {
                    // The path may be a file of the base image: its removal is not known.
                    certainty = Certainty::Unknown;
                    notes.push(target.clone());
                    continue;
                }
                if force {
                    continue;
                }
                return Outcome::fail(format!(
                    "rm: cannot remove '{target}': No such file or directory"
                ));
            }
        };
        if node.is_dir() && !recursive {
            return Outcome::fail(format!("rm: cannot remove '{target}': Is a directory"));
        }
        removed_bytes += node_bytes(&node);
        if let Err(error) = sim.tree.remove(&abs) {
            return Outcome::fail(format!("rm: {target}: {error}"));
        }
        paths.push(abs);
    }
    let mut description = format!("rm {}", parsed.operands.join(" "));
    if !notes.is_empty() {
        description.push_str(&format!(
            " ({} not in the simulated files; if the base image has them they are removed too)",
            notes.join(", ")
        ));
    }
    let effect = sim.effect(call, EffectKind::Remove, certainty, description);
    effect.bytes = Some(0);
    effect.removed_bytes = Some(removed_bytes);
    effect.paths = paths;
    Outcome::ok()
}

fn rmdir(sim: &mut Sim, call: &Call, args: &[String]) -> Outcome {
    let parsed = Args::parse(args, &[]);
    let mut paths = Vec::new();
    for dir in &parsed.operands {
        let abs = sim.abs(dir);
        match sim.tree.lookup_nofollow(&abs) {
            Ok(node) if node.children().is_some_and(|c| c.is_empty()) => {
                let _ = sim.tree.remove(&abs);
                paths.push(abs);
            }
            Ok(node) if node.is_dir() => {
                return Outcome::fail(format!("rmdir: '{dir}': Directory not empty"))
            }
            Ok(_) => return Outcome::fail(format!("rmdir: '{dir}': Not a directory")),
            Err(_) => {
                return missing_outcome(
                    sim,
                    call,
                    format!("rmdir: '{dir}': No such file or directory"),
                    dir,
                )
            }
        }
    }
    let effect = sim.effect(
        call,
        EffectKind::Remove,
        Certainty::Exact,
        format!("rmdir {}", parsed.operands.join(" ")),
    );
    effect.bytes = Some(0);
    effect.removed_bytes = Some(0);
    effect.paths = paths;
    Outcome::ok()
}

/// Gives a copied subtree new metadata (cp without -p/-a: owned by the user, mode of the
/// source minus the umask, mtime of the RUN).
fn restamp(node: &mut Node, uid: u32, gid: u32, mtime: i64) {
    if !matches!(node.kind, NodeKind::Symlink(_)) {
        node.meta.mode &= !0o022;
    }
    node.meta.uid = uid;
    node.meta.gid = gid;
    node.meta.mtime = mtime;
    if let NodeKind::File { link_group, .. } = &mut node.kind {
        *link_group = None;
    }
    if let NodeKind::Dir(children) = &mut node.kind {
        for child in Arc::make_mut(children).values_mut() {
            restamp(child, uid, gid, mtime);
        }
    }
}

/// Puts `node` at `dest`, merging into an existing directory like `cp -r` does.
fn place(sim: &mut Sim, dest: &str, node: Node) -> Result<(), String> {
    if node.is_dir() {
        match sim.tree.lookup(dest) {
            Ok(existing) if existing.is_dir() => {
                let children: Vec<(String, Node)> = node
                    .children()
                    .map(|c| c.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default();
                for (name, child) in children {
                    place(
                        sim,
                        &format!("{}/{}", dest.trim_end_matches('/'), name),
                        child,
                    )?;
                }
                Ok(())
            }
            Ok(_) => Err(format!(
                "cannot overwrite non-directory '{dest}' with directory"
            )),
            Err(_) => sim
                .tree
                .insert(dest, node)
                .map(|_| ())
                .map_err(|e| e.to_string()),
        }
    } else {
        if sim.tree.lookup_nofollow(dest).is_ok_and(|n| n.is_dir()) {
            return Err(format!(
                "cannot overwrite directory '{dest}' with non-directory"
            ));
        }
        sim.tree
            .insert(dest, node)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Sources and the destination of cp/mv/ln: the last operand is the destination; with
/// several sources (or an existing directory) each goes inside it.
fn destinations(
    sim: &Sim,
    operands: &[String],
    target_dir: Option<&String>,
) -> Option<Vec<(String, String)>> {
    let (sources, dest) = match target_dir {
        Some(dir) => (operands, dir.clone()),
        None => {
            let (dest, sources) = operands.split_last()?;
            (sources, dest.clone())
        }
    };
    if sources.is_empty() {
        return None;
    }
    let dest_abs = sim.abs(&dest);
    let into_dir = target_dir.is_some()
        || sources.len() > 1
        || dest.ends_with('/')
        || sim.tree.lookup(&dest_abs).is_ok_and(|n| n.is_dir());
    Some(
        sources
            .iter()
            .map(|source| {
                let name = crate::fs::path::clean(&sim.abs(source));
                let base = name.rsplit('/').next().unwrap_or("").to_string();
                let target = if into_dir {
                    format!("{}/{}", dest_abs.trim_end_matches('/'), base)
                } else {
                    dest_abs.clone()
                };
                (source.clone(), target)
            })
            .collect(),
    )
}

fn cp(sim: &mut Sim, call: &Call, args: &[String]) -> Outcome {
    let parsed = Args::parse(args, &['t']);
    let archive = parsed.has('a') || parsed.has_long("archive");
    let recursive = archive || parsed.has('r') || parsed.has('R') || parsed.has_long("recursive");
    let preserve = archive || parsed.has('p') || parsed.has_long("preserve");
    let Some(pairs) = destinations(sim, &parsed.operands, parsed.values.get(&'t')) else {
        return Outcome::fail("cp: missing file operand");
    };
    let mut bytes = 0;
    let mut certainty = Certainty::Exact;
    let mut paths = Vec::new();
    for (source, target) in pairs {
        let abs = sim.abs(&source);
        let found = if recursive {
            sim.tree.lookup_nofollow(&abs)
        } else {
            sim.tree.lookup(&abs)
        };
        let mut node = match found {
            Ok(node) => node.clone(),
            Err(_) => {
                return missing_outcome(
                    sim,
                    call,
                    format!("cp: cannot stat '{source}': No such file or directory"),
                    &source,
                )
            }
        };
        if node.is_dir() && !recursive {
            return Outcome::fail(format!(
                "cp: -r not specified; omitting directory '{source}'"
            ));
        }
        if !preserve {
            restamp(&mut node, sim.uid, sim.gid, sim.input.mtime);
        } else if let NodeKind::File { link_group, .. } = &mut node.kind {
            *link_group = None;
        }
        if !node_known(&node) {
            certainty = Certainty::Unknown;
        }
        bytes += node_bytes(&node);
        if let Err(message) = place(sim, &target, node) {
            return Outcome::fail(format!("cp: {message}"));
        }
        paths.push(target);
    }
    let effect = sim.effect(
        call,
        EffectKind::Write,
        certainty,
        format!("cp {}", parsed.operands.join(" ")),
    );
    effect.bytes = Some(bytes);
    effect.paths = paths;
    Outcome::ok()
}

fn mv(sim: &mut Sim, call: &Call, args: &[String]) -> Outcome {
    let parsed = Args::parse(args, &['t']);
    let Some(pairs) = destinations(sim, &parsed.operands, parsed.values.get(&'t')) else {
        return Outcome::fail("mv: missing file operand");
    };
    let mut paths = Vec::new();
    let mut bytes = 0;
    for (source, target) in pairs {
        let abs = sim.abs(&source);
        let Ok(node) = sim.tree.lookup_nofollow(&abs) else {
            return missing_outcome(
                sim,
                call,
                format!("mv: cannot stat '{source}': No such file or directory"),
                &source,
            );
        };
        bytes += node_bytes(node);
        if let Err(error) = sim.tree.rename(&abs, &target) {
            return Outcome::fail(format!("mv: cannot move '{source}' to '{target}': {error}"));
        }
        paths.push(abs);
        paths.push(target);
    }
    let effect = sim.effect(
        call,
        EffectKind::Write,
        Certainty::Exact,
        format!("mv {}", parsed.operands.join(" ")),
    );
    effect.bytes = Some(bytes);
    effect.removed_bytes = Some(bytes);
    effect.paths = paths;
    Outcome::ok()
}

fn ln(sim: &mut Sim, call: &Call, args: &[String]) -> Outcome {
    let parsed = Args::parse(args, &['t']);
    let symbolic = parsed.has('s') || parsed.has_long("symbolic");
    let force = parsed.has('f') || parsed.has_long("force");
    let no_deref = parsed.has('n') || parsed.has('T');
    let operands = if parsed.operands.len() == 1 && !parsed.values.contains_key(&'t') {
        vec![parsed.operands[0].clone(), ".".to_string()]
    } else {
        parsed.operands.clone()
    };
    let Some((link_target, _)) = operands.split_first() else {
        return Outcome::fail("ln: missing file operand");
    };
    let last = operands.last().cloned().unwrap_or_default();
    let last_abs = sim.abs(&last);
    let into_dir = parsed.values.contains_key(&'t')
        || operands.len() > 2
        || (!no_deref && sim.tree.lookup(&last_abs).is_ok_and(|n| n.is_dir()));
    let mut paths = Vec::new();
    let sources: Vec<String> = if parsed.values.contains_key(&'t') {
        operands.clone()
    } else {
        operands[..operands.len() - 1].to_vec()
    };
    let _ = link_target;
    for target in sources {
        let link = if into_dir {
            let dir = parsed
                .values
                .get(&'t')
                .map_or(last_abs.clone(), |t| sim.abs(t));
            let base = target
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            format!("{}/{}", dir.trim_end_matches('/'), base)
        } else {
            last_abs.clone()
        };
        if sim.tree.lookup_nofollow(&link).is_ok() {
            if force {
                let _ = sim.tree.remove(&link);
            } else {
                return Outcome::fail(format!("ln: failed to create link '{link}': File exists"));
            }
        }
        if sim.tree.lookup(&parent_of(&link)).is_err() {
            if sim.input.base_known {
                return Outcome::fail(format!(
                    "ln: failed to create link '{link}': No such file or directory"
                ));
            }
            let _ = sim.tree.mkdir_p(&parent_of(&link), sim.meta(0o755));
        }
        let result = if symbolic {
            sim.tree.symlink(&link, &target, sim.meta(0o777))
        } else {
            let source = sim.abs(&target);
            if sim.tree.lookup(&source).is_err() {
                return missing_outcome(
                    sim,
                    call,
                    format!("ln: failed to access '{target}': No such file or directory"),
                    &target,
                );
            }
            sim.tree.hardlink(&source, &link)
        };
        if let Err(error) = result {
            return Outcome::fail(format!("ln: {link}: {error}"));
        }
        paths.push(link);
    }
    let effect = sim.effect(
        call,
        EffectKind::Write,
        Certainty::Exact,
        format!("ln {}", parsed.operands.join(" ")),
    );
    effect.bytes = Some(0);
    effect.paths = paths;
    Outcome::ok()
}

/// Every path below (and including) `path`, for `-R`.
fn walk_paths(sim: &Sim, path: &str, recursive: bool) -> Vec<String> {
    let mut out = vec![path.to_string()];
    if recursive {
        if let Ok(node) = sim.tree.lookup_nofollow(path) {
            node.visit_descendants(&mut Vec::new(), &mut |components, _| {
                out.push(format!(
                    "{}/{}",
                    path.trim_end_matches('/'),
                    components.join("/")
                ));
            });
        }
    }
    out
}

fn chmod(sim: &mut Sim, call: &Call, args: &[String]) -> Outcome {
    // A mode like `-w` looks like a flag: take the first non-flag-looking operand as the mode
    // unless it is a valid symbolic mode.
    let recursive = args.iter().any(|a| a == "-R" || a == "--recursive");
    let rest: Vec<&String> = args
        .iter()
        .filter(|a| *a != "-R" && *a != "--recursive" && *a != "-v" && *a != "-f")
        .collect();
    let Some((mode_text, files)) = rest.split_first() else {
        return Outcome::fail("chmod: missing operand");
    };
    let chmod = match Chmod::parse(mode_text) {
        Ok(chmod) => chmod,
        Err(error) => return Outcome::fail(format!("chmod: {error}")),
    };
    let mut paths = Vec::new();
    for file in files {
        let abs = sim.abs(file);
        if sim.tree.lookup(&abs).is_err() {
            return missing_outcome(
                sim,
                call,
                format!("chmod: {file}: No such file or directory"),
                file,
            );
        }
        for path in walk_paths(sim, &abs, recursive) {
            let Ok(node) = sim.tree.lookup_nofollow(&path) else {
                continue;
            };
            if matches!(node.kind, NodeKind::Symlink(_)) && path != abs {
                continue;
            }
            let is_dir = sim.tree.lookup(&path).is_ok_and(|n| n.is_dir());
            let current = sim.tree.lookup(&path).map(|n| n.meta.mode).unwrap_or(0);
            let _ = sim.tree.chmod(&path, chmod.apply(current, is_dir));
            paths.push(path);
        }
    }
    let effect = sim.effect(
        call,
        EffectKind::Metadata,
        Certainty::Exact,
        format!("chmod {}", args.join(" ")),
    );
    effect.bytes = Some(0);
    effect.paths = paths;
    Outcome::ok()
}

fn chown(sim: &mut Sim, call: &Call, args: &[String]) -> Outcome {
    let parsed = Args::parse(args, &[]);
    let recursive = parsed.has('R') || parsed.has_long("recursive");
    let Some((spec, files)) = parsed.operands.split_first() else {
        return Outcome::fail(format!("{}: missing operand", call.program()));
    };
    let spec = if call.program() == "chgrp" {
        format!(":{spec}")
    } else {
        spec.replace('.', ":")
    };
    let mut files_owner = None;
    let (user_part, group_part) = match spec.split_once(':') {
        Some((u, g)) => (u.to_string(), Some(g.to_string())),
        None => (spec.clone(), None),
    };
    let user_spec = if user_part.is_empty() {
        "0".to_string()
    } else {
        user_part.clone()
    };
    let full = match &group_part {
        Some(g) if !g.is_empty() => format!("{user_spec}:{g}"),
        _ => user_spec.clone(),
    };
    match crate::simulate::owner::resolve(&full, sim.tree, sim.input.base_known) {
        Ok(owner) if owner.unresolved.is_none() => files_owner = Some(owner),
        Ok(_) => {}
        Err(error) => {
            if sim.input.base_known {
                return Outcome::fail(format!(
                    "{}: invalid user: '{spec}' ({})",
                    call.program(),
                    error.0
                ));
            }
        }
    }
    let Some(owner) = files_owner else {
        sim.effect(
            call,
            EffectKind::Metadata,
            Certainty::Unknown,
            format!("{} {}: the ids of `{spec}` are in the base image's /etc/passwd, which is not known", call.program(), args.join(" ")),
        );
        return Outcome::unknown();
    };
    let mut paths = Vec::new();
    for file in files {
        let abs = sim.abs(file);
        if sim.tree.lookup_nofollow(&abs).is_err() {
            return missing_outcome(
                sim,
                call,
                format!("chown: cannot access '{file}': No such file or directory"),
                file,
            );
        }
        for path in walk_paths(sim, &abs, recursive) {
            let Ok(node) = sim.tree.lookup_nofollow(&path) else {
                continue;
            };
            let meta = node.meta;
            let uid = if user_part.is_empty() {
                meta.uid
            } else {
                owner.uid
            };
            let gid = match &group_part {
                Some(g) if g.is_empty() => owner.gid,
                Some(_) => owner.gid,
                None => meta.gid,
            };
            // `chown user:` uses the login group; `chown user` keeps the group.
            let gid = if group_part.is_none() { meta.gid } else { gid };
            let _ = sim.tree.chown(&path, uid, gid);
            paths.push(path);
        }
    }
    let effect = sim.effect(
        call,
        EffectKind::Metadata,
        Certainty::Exact,
        format!("{} {}", call.program(), args.join(" ")),
    );
    effect.bytes = Some(0);
    effect.paths = paths;
    Outcome::ok()
}

fn install(sim: &mut Sim, call: &Call, args: &[String]) -> Outcome {
    let parsed = Args::parse(args, &['m', 'o', 'g', 't']);
    let mode = parsed.values.get(&'m').and_then(|m| Chmod::parse(m).ok());
    if parsed.has('d') {
        let mut paths = Vec::new();
        for dir in &parsed.operands {
            let abs = sim.abs(dir);
            if let Err(error) = sim.tree.mkdir_p(&abs, sim.meta(0o755)) {
                return Outcome::fail(format!("install: {dir}: {error}"));
            }
            if let Some(mode) = &mode {
                let _ = sim.tree.chmod(&abs, mode.apply(0o755, true));
            }
            paths.push(abs);
        }
        let effect = sim.effect(
            call,
            EffectKind::Write,
            Certainty::Exact,
            format!("install -d {}", parsed.operands.join(" ")),
        );
        effect.bytes = Some(0);
        effect.paths = paths;
        return Outcome::ok();
    }
    let Some(pairs) = destinations(sim, &parsed.operands, parsed.values.get(&'t')) else {
        return Outcome::fail("install: missing file operand");
    };
    let mut bytes = 0;
    let mut certainty = Certainty::Exact;
    let mut paths = Vec::new();
    for (source, target) in pairs {
        let abs = sim.abs(&source);
        let Ok(node) = sim.tree.lookup(&abs) else {
            return missing_outcome(
                sim,
                call,
                format!("install: cannot stat '{source}': No such file or directory"),
                &source,
            );
        };
        let Some(content) = node.content().cloned() else {
            return Outcome::fail(format!("install: omitting directory '{source}'"));
        };
        if !content.is_known() {
            certainty = Certainty::Unknown;
        }
        bytes += content.size().unwrap_or(0);
        let file_mode = mode.as_ref().map_or(0o755, |m| m.apply(0o755, false));
        if let Err(error) = sim.tree.write_file(&target, content, sim.meta(file_mode)) {
            return Outcome::fail(format!("install: {target}: {error}"));
        }
        paths.push(target);
    }
    let effect = sim.effect(
        call,
        EffectKind::Write,
        certainty,
        format!("install {}", parsed.operands.join(" ")),
    );
    effect.bytes = Some(bytes);
    effect.paths = paths;
    Outcome::ok()
}
