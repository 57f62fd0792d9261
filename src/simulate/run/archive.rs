//! `tar -x` of an archive already in the tree (plain, or compressed with gzip, bzip2, xz or
//! zstd, which GNU tar recognises by content; the extraction itself is the one ADD uses). GNU tar run as root keeps the members' owners, modes and mtimes;
//! `-C DIR` and `--strip-components=N` are honoured. Other tar modes are not simulated.

use super::exec::{Call, Outcome, Sim, Stream};
use super::EffectKind;
use crate::fs::{Content, Meta};
use crate::simulate::archive::{unpack, ArchiveEntryKind, Unpacked};
use crate::simulate::Certainty;

pub(crate) fn run(sim: &mut Sim, call: &Call) -> Outcome {
    let args: Vec<String> = call.argv.iter().skip(1).cloned().collect();
    // Old-style first argument without a dash: `tar xzf file`.
    let mut args = args;
    if let Some(first) = args.first() {
        if !first.starts_with('-')
            && first.chars().all(|c| c.is_ascii_alphabetic())
            && first.contains(['x', 'c', 't'])
        {
            args[0] = format!("-{first}");
        }
    }
    let mut extract = false;
    let mut create = false;
    let mut file = None;
    let mut directory = None;
    let mut strip = 0usize;
    let mut iter = args.iter().peekable();
    let mut members = Vec::new();
    while let Some(arg) = iter.next() {
        if let Some(long) = arg.strip_prefix("--") {
            match long.split_once('=') {
                Some(("file", v)) => file = Some(v.to_string()),
                Some(("directory", v)) => directory = Some(v.to_string()),
                Some(("strip-components", v)) => strip = v.parse().unwrap_or(0),
                None if long == "extract" || long == "get" => extract = true,
                None if long == "create" => create = true,
                None if long == "file" => file = iter.next().cloned(),
                None if long == "directory" => directory = iter.next().cloned(),
                _ => {}
            }
        } else if let Some(cluster) = arg.strip_prefix('-') {
            let chars: Vec<char> = cluster.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                match c {
                    'x' => extract = true,
                    'c' => create = true,
                    'f' | 'C' => {
                        let rest: String = chars[i + 1..].iter().collect();
                        let value = if rest.is_empty() {
                            iter.next().cloned()
                        } else {
                            Some(rest)
                        };
                        if *c == 'f' {
                            file = value;
                        } else {
                            directory = value;
                        }
                        break;
                    }
                    _ => {}
                }
            }
        } else {
            members.push(arg.clone());
        }
    }
    if create {
        return create_archive(sim, call, file.as_deref(), directory.as_deref(), &members);
    }
    if !extract || !members.is_empty() {
        return super::exec::unknown_command(sim, call);
    }
    let bytes = match file.as_deref() {
        None | Some("-") => match &call.stdin {
            Stream::Known(bytes) => bytes.clone(),
            _ => return unknown_archive(sim, call, "the archive comes from stdin (a download)"),
        },
        Some(path) => {
            let abs = sim.abs(path);
            match sim.tree.lookup(&abs).ok().and_then(|n| n.content()) {
                Some(Content::Known(bytes)) => bytes.to_vec(),
                Some(_) => {
                    return unknown_archive(sim, call, &format!("{path} has unknown content"))
                }
                None if sim.input.base_known => {
                    return Outcome::fail(format!(
                        "tar: {path}: Cannot open: No such file or directory"
                    ))
                }
                None => {
                    return unknown_archive(
                        sim,
                        call,
                        &format!("{path} is not in the simulated files"),
                    )
                }
            }
        }
    };
    let entries = match unpack(&bytes) {
        Unpacked::Entries(entries) => entries,
        Unpacked::Opaque(why) => return unknown_archive(sim, call, &why),
        // GNU tar's words for an archive that ends or breaks part-way.
        Unpacked::Failed(_) => {
            return Outcome::fail(
                "tar: Unexpected EOF in archive\ntar: Error is not recoverable: exiting now",
            )
        }
        Unpacked::NotArchive => return Outcome::fail("tar: This does not look like a tar archive"),
    };
    let dest = sim.abs(directory.as_deref().unwrap_or("."));
    if sim.tree.lookup(&dest).is_err() {
        if sim.input.base_known {
            return Outcome::fail(format!(
                "tar: {dest}: Cannot open: No such file or directory"
            ));
        }
        let _ = sim.tree.mkdir_p(&dest, sim.meta(0o755));
    }
    let root = sim.uid == 0;
    let mut bytes_added = 0;
    let mut paths = Vec::new();
    for entry in entries {
        let parts: Vec<&str> = entry.path.split('/').filter(|p| !p.is_empty()).collect();
        if parts.len() <= strip {
            continue;
        }
        let relative = parts[strip..].join("/");
        let path = format!("{}/{relative}", dest.trim_end_matches('/'));
        let (uid, gid) = if root {
            (entry.uid, entry.gid)
        } else {
            (sim.uid, sim.gid)
        };
        let mode = if root {
            entry.mode
        } else {
            entry.mode & !0o022
        };
        let meta = Meta::new(mode, uid, gid, entry.mtime);
        let parent = super::exec::parent_of(&path);
        let _ = sim.tree.mkdir_p(&parent, sim.meta(0o755));
        let result = match entry.kind {
            ArchiveEntryKind::Dir => match sim.tree.lookup(&path) {
                Ok(node) if node.is_dir() => sim.tree.update_meta(&path, true, |m| *m = meta),
                _ => sim.tree.mkdir_p(&path, meta),
            },
            ArchiveEntryKind::File(data) => {
                bytes_added += data.len() as u64;
                if sim.tree.lookup_nofollow(&path).is_ok_and(|n| !n.is_dir()) {
                    let _ = sim.tree.remove(&path);
                }
                sim.tree.write_file(&path, Content::known(data), meta)
            }
            ArchiveEntryKind::Symlink(target) => {
                if sim.tree.lookup_nofollow(&path).is_ok_and(|n| !n.is_dir()) {
                    let _ = sim.tree.remove(&path);
                }
                sim.tree.symlink(&path, &target, meta)
            }
            ArchiveEntryKind::Hardlink(target) => {
                let target_parts: Vec<&str> = target.split('/').filter(|p| !p.is_empty()).collect();
                if target_parts.len() <= strip {
                    continue;
                }
                let source = format!(
                    "{}/{}",
                    dest.trim_end_matches('/'),
                    target_parts[strip..].join("/")
                );
                if sim.tree.lookup_nofollow(&path).is_ok_and(|n| !n.is_dir()) {
                    let _ = sim.tree.remove(&path);
                }
                sim.tree.hardlink(&source, &path)
            }
        };
        if let Err(error) = result {
            return Outcome::fail(format!("tar: {relative}: {error}"));
        }
        if paths.len() < 500 {
            paths.push(path);
        }
    }
    let effect = sim.effect(
        call,
        EffectKind::Write,
        Certainty::Exact,
        format!("tar -x {} into {dest}", file.unwrap_or_else(|| "-".into())),
    );
    effect.bytes = Some(bytes_added);
    effect.paths = paths;
    Outcome::ok()
}

fn unknown_archive(sim: &mut Sim, call: &Call, why: &str) -> Outcome {
    sim.effect(
        call,
        EffectKind::Unknown,
        Certainty::Unknown,
        format!(
            "{}: extracts files that are not known ({why})",
            call.argv.join(" ")
        ),
    );
    Outcome::unknown()
}

/// `tar -c`: the archive's bytes depend on the tar implementation (header fields, padding),
/// so the file is created with unknown content and an estimate: one 512-byte header per
/// member, the data padded to 512, two end blocks (busybox's layout; GNU tar also pads the
/// whole archive to 10 KiB records).
fn create_archive(
    sim: &mut Sim,
    call: &Call,
    file: Option<&str>,
    directory: Option<&str>,
    members: &[String],
) -> Outcome {
    let base = sim.abs(directory.unwrap_or("."));
    let mut estimate: u64 = 1024;
    for member in members {
        let path = if member.starts_with('/') {
            member.clone()
        } else {
            format!("{}/{member}", base.trim_end_matches('/'))
        };
        let Ok(node) = sim.tree.lookup_nofollow(&path) else {
            if sim.input.base_known {
                return Outcome::fail(format!(
                    "tar: {member}: Cannot stat: No such file or directory"
                ));
            }
            continue;
        };
        let mut add = |node: &crate::fs::Node| {
            let size = node.content().and_then(Content::size).unwrap_or(0);
            estimate += 512 + size.div_ceil(512) * 512;
        };
        add(node);
        node.visit_descendants(&mut Vec::new(), &mut |_, child| add(child));
    }
    let stream = Stream::Unknown(Some(estimate));
    match file {
        Some(path) if path != "-" => match sim.write_stream(path, stream, false) {
            Ok(_) => {
                let abs = sim.abs(path);
                let effect = sim.effect(
                    call,
                    EffectKind::Write,
                    Certainty::Estimated,
                    format!("tar -c {abs}: an archive of about {estimate} bytes (its exact bytes depend on the tar program)"),
                );
                effect.bytes = Some(estimate);
                effect.paths.push(abs);
                Outcome::ok()
            }
            Err(message) => Outcome::fail(format!("tar: {message}")),
        },
        _ => Outcome {
            status: super::exec::Status::Success,
            stdout: Stream::Unknown(Some(estimate)),
        },
    }
}
