//! `useradd`, `adduser` (Debian's and busybox's), `groupadd`, `addgroup`: lines appended to
//! `/etc/passwd` and `/etc/group`, and the home directory.
//!
//! The passwd/group lines are exact when those files are in the tree (ids allocated as the
//! tools do: the first free id from 1000, or from 999 downwards for system accounts). The
//! whole effect is Estimated at best: the tools also write `/etc/shadow` (the date of the
//! last password change is the build day), `/etc/gshadow`, `/var/log/lastlog`/`faillog`
//! and copy `/etc/skel` into the home, which layerlab does not have byte for byte.

use std::sync::Arc;

use super::exec::{Call, Outcome, Sim};
use super::files::Args;
use super::EffectKind;
use crate::fs::Content;
use crate::simulate::Certainty;

struct Account {
    name: String,
    uid: Option<u32>,
    gid: Option<u32>,
    group: Option<String>,
    /// Create a group named like the user.
    user_group: bool,
    home: String,
    create_home: bool,
    shell: String,
    system: bool,
    gecos: String,
}

pub(crate) fn run(sim: &mut Sim, call: &Call) -> Outcome {
    let args: Vec<String> = call.argv.iter().skip(1).cloned().collect();
    let busybox = sim
        .input
        .distro
        .as_ref()
        .is_some_and(|d| d.family == "alpine" || d.family == "busybox");
    match call.program() {
        "groupadd" => {
            let parsed = Args::parse(&args, &['g', 'K', 'p']);
            let Some(name) = parsed.operands.first().cloned() else {
                return Outcome::fail("groupadd: missing group name");
            };
            let gid = parsed.values.get(&'g').and_then(|g| g.parse().ok());
            add_group(
                sim,
                call,
                &name,
                gid,
                parsed.has('r') || parsed.has_long("system"),
            )
        }
        "addgroup" if busybox || args.iter().any(|a| a == "-g" || a == "-S") => {
            let parsed = Args::parse(&args, &['g']);
            match parsed.operands.as_slice() {
                [name] => {
                    let gid = parsed.values.get(&'g').and_then(|g| g.parse().ok());
                    add_group(sim, call, &name.clone(), gid, parsed.has('S'))
                }
                _ => membership(sim, call),
            }
        }
        "addgroup" => {
            let parsed = Args::parse(&args, &[]);
            let gid = parsed.long_value("gid").and_then(|g| g.parse().ok());
            match parsed.operands.as_slice() {
                [name] => add_group(sim, call, &name.clone(), gid, parsed.has_long("system")),
                _ => membership(sim, call),
            }
        }
        "useradd" => {
            let parsed = Args::parse(
                &args,
                &['u', 'g', 'G', 'd', 's', 'c', 'k', 'e', 'f', 'K', 'p', 'b'],
            );
            let Some(name) = parsed.operands.first().cloned() else {
                return Outcome::fail("useradd: missing user name");
            };
            let system = parsed.has('r') || parsed.has_long("system");
            let group = parsed.values.get(&'g').cloned();
            let account = Account {
                uid: parsed.values.get(&'u').and_then(|u| u.parse().ok()),
                gid: None,
                user_group: group.is_none() && !parsed.has('N'),
                group,
                home: parsed
                    .values
                    .get(&'d')
                    .cloned()
                    .unwrap_or_else(|| format!("/home/{name}")),
                create_home: parsed.has('m') || parsed.has_long("create-home"),
                shell: parsed
                    .values
                    .get(&'s')
                    .cloned()
                    .unwrap_or_else(|| "/bin/sh".into()),
                system,
                gecos: parsed.values.get(&'c').cloned().unwrap_or_default(),
                name,
            };
            add_user(sim, call, account)
        }
        "adduser" if busybox => {
            let parsed = Args::parse(&args, &['u', 'G', 'h', 's', 'g', 'k']);
            let Some(name) = parsed.operands.first().cloned() else {
                return Outcome::fail("adduser: missing user name");
            };
            if parsed.operands.len() == 2 {
                return membership(sim, call);
            }
            let account = Account {
                uid: parsed.values.get(&'u').and_then(|u| u.parse().ok()),
                gid: None,
                user_group: !parsed.values.contains_key(&'G'),
                group: parsed.values.get(&'G').cloned(),
                home: parsed
                    .values
                    .get(&'h')
                    .cloned()
                    .unwrap_or_else(|| format!("/home/{name}")),
                create_home: !parsed.has('H'),
                shell: parsed
                    .values
                    .get(&'s')
                    .cloned()
                    .unwrap_or_else(|| "/bin/sh".into()),
                system: parsed.has('S'),
                gecos: parsed
                    .values
                    .get(&'g')
                    .cloned()
                    .unwrap_or_else(|| "Linux User,,,".into()),
                name,
            };
            add_user(sim, call, account)
        }
        "adduser" => {
            let parsed = Args::parse(&args, &[]);
            let with_value = ["uid", "gid", "home", "shell", "gecos", "ingroup", "group"];
            // Debian's adduser takes `--opt value`; Args keeps the value as an operand.
            let mut operands = Vec::new();
            let mut values = std::collections::BTreeMap::new();
            let mut iter = args.iter();
            let mut flags = Vec::new();
            while let Some(arg) = iter.next() {
                if let Some(long) = arg.strip_prefix("--") {
                    if let Some((k, v)) = long.split_once('=') {
                        values.insert(k.to_string(), v.to_string());
                    } else if with_value.contains(&long) {
                        values.insert(long.to_string(), iter.next().cloned().unwrap_or_default());
                    } else {
                        flags.push(long.to_string());
                    }
                } else if !arg.starts_with('-') {
                    operands.push(arg.clone());
                }
            }
            let _ = parsed;
            if operands.len() == 2 {
                return membership(sim, call);
            }
            let Some(name) = operands.first().cloned() else {
                return Outcome::fail("adduser: missing user name");
            };
            let system = flags.iter().any(|f| f == "system");
            let account = Account {
                uid: values.get("uid").and_then(|u| u.parse().ok()),
                gid: values.get("gid").and_then(|g| g.parse().ok()),
                user_group: !system || flags.iter().any(|f| f == "group"),
                group: values.get("ingroup").cloned(),
                home: values.get("home").cloned().unwrap_or_else(|| {
                    if system {
                        "/nonexistent".into()
                    } else {
                        format!("/home/{name}")
                    }
                }),
                create_home: !flags.iter().any(|f| f == "no-create-home")
                    && (!system || values.contains_key("home")),
                shell: values.get("shell").cloned().unwrap_or_else(|| {
                    if system {
                        "/usr/sbin/nologin".into()
                    } else {
                        "/bin/bash".into()
                    }
                }),
                system,
                gecos: values.get("gecos").cloned().unwrap_or_default(),
                name,
            };
            add_user(sim, call, account)
        }
        _ => super::exec::unknown_command(sim, call),
    }
}

/// `adduser user group`: a membership, which edits a line of `/etc/group`.
fn membership(sim: &mut Sim, call: &Call) -> Outcome {
    sim.effect(
        call,
        EffectKind::Write,
        Certainty::Estimated,
        format!(
            "{}: adds a group membership in /etc/group",
            call.argv.join(" ")
        ),
    );
    write_unknown(sim, "/etc/group", "group membership");
    Outcome::ok()
}

/// The text of `/etc/<name>` when the tree has its bytes.
fn known_text(sim: &Sim, path: &str) -> Option<String> {
    let node = sim.tree.lookup(path).ok()?;
    let bytes = node.content()?.bytes()?;
    String::from_utf8(bytes.to_vec()).ok()
}

/// Ids (third field) in a passwd/group text.
fn ids(text: &str) -> Vec<u32> {
    text.lines()
        .filter_map(|line| line.split(':').nth(2)?.parse().ok())
        .collect()
}

fn id_of(text: &str, name: &str) -> Option<u32> {
    text.lines().find_map(|line| {
        let mut fields = line.split(':');
        (fields.next() == Some(name)).then(|| fields.nth(1)?.parse().ok())?
    })
}

/// First free id: from 1000 up, or (system) from 999 down.
fn allocate(used: &[u32], system: bool) -> u32 {
    if system {
        (100..=999)
            .rev()
            .find(|id| !used.contains(id))
            .unwrap_or(999)
    } else {
        (1000..60000).find(|id| !used.contains(id)).unwrap_or(60000)
    }
}

/// Appends `line` to a known file, or marks the file as changed with unknown bytes.
fn append_line(sim: &mut Sim, path: &str, line: &str) -> bool {
    if let Some(mut text) = known_text(sim, path) {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(line);
        text.push('\n');
        let meta = sim
            .tree
            .lookup(path)
            .map(|n| n.meta)
            .unwrap_or(sim.meta(0o644));
        sim.tree
            .write_file(path, Content::known(text.into_bytes()), meta)
            .is_ok()
    } else {
        write_unknown(sim, path, line);
        false
    }
}

fn write_unknown(sim: &mut Sim, path: &str, what: &str) {
    let estimate = sim
        .tree
        .lookup(path)
        .ok()
        .and_then(|n| n.content())
        .and_then(|c| c.size());
    let meta = sim
        .tree
        .lookup(path)
        .map(|n| n.meta)
        .unwrap_or(sim.meta(0o644));
    let _ = sim.tree.mkdir_p("/etc", sim.meta(0o755));
    let _ = sim.tree.write_file(
        path,
        Content::Unknown {
            estimated_size: estimate.map(|e| e + what.len() as u64 + 1),
            origin: Arc::from(format!("RUN: {path} of the base image plus a new entry")),
        },
        meta,
    );
}

fn add_group(sim: &mut Sim, call: &Call, name: &str, gid: Option<u32>, system: bool) -> Outcome {
    let groups = known_text(sim, "/etc/group");
    if let Some(text) = &groups {
        if id_of(text, name).is_some() {
            return Outcome::fail(format!("groupadd: group '{name}' already exists"));
        }
    }
    let gid = gid.or_else(|| groups.as_deref().map(|t| allocate(&ids(t), system)));
    let exact = match gid {
        Some(gid) => append_line(sim, "/etc/group", &format!("{name}:x:{gid}:")),
        None => {
            write_unknown(sim, "/etc/group", name);
            false
        }
    };
    write_unknown(sim, "/etc/gshadow", name);
    let certainty = if exact {
        Certainty::Estimated
    } else {
        Certainty::Unknown
    };
    let effect = sim.effect(
        call,
        EffectKind::Write,
        certainty,
        format!(
            "group {name} ({}): /etc/group{}, /etc/gshadow",
            gid.map_or("gid not known".to_string(), |g| format!("gid {g}")),
            if exact { " line exact" } else { " not known" }
        ),
    );
    effect.paths = vec!["/etc/group".into(), "/etc/gshadow".into()];
    Outcome::ok()
}

fn add_user(sim: &mut Sim, call: &Call, mut account: Account) -> Outcome {
    let passwd = known_text(sim, "/etc/passwd");
    if let Some(text) = &passwd {
        if id_of(text, &account.name).is_some() {
            return Outcome::fail(format!("useradd: user '{}' already exists", account.name));
        }
    }
    if account.uid.is_none() {
        account.uid = passwd.as_deref().map(|t| allocate(&ids(t), account.system));
    }
    let groups = known_text(sim, "/etc/group");
    // The primary group: named with -g/--ingroup, or a new group like the user.
    if account.gid.is_none() {
        account.gid = match &account.group {
            Some(g) => g
                .parse()
                .ok()
                .or_else(|| groups.as_deref().and_then(|t| id_of(t, g))),
            None if account.user_group => {
                let used = groups.as_deref().map(ids).unwrap_or_default();
                match account.uid {
                    Some(uid) if groups.is_some() && !used.contains(&uid) => Some(uid),
                    _ => groups.as_deref().map(|_| allocate(&used, account.system)),
                }
            }
            None => Some(100),
        };
    }
    let mut exact_lines = true;
    match (account.uid, account.gid) {
        (Some(uid), Some(gid)) => {
            let line = format!(
                "{}:x:{uid}:{gid}:{}:{}:{}",
                account.name, account.gecos, account.home, account.shell
            );
            exact_lines &= append_line(sim, "/etc/passwd", &line);
        }
        _ => {
            write_unknown(sim, "/etc/passwd", &account.name);
            exact_lines = false;
        }
    }
    if account.user_group && account.group.is_none() {
        match account.gid {
            Some(gid) => {
                exact_lines &= append_line(sim, "/etc/group", &format!("{}:x:{gid}:", account.name))
            }
            None => {
                write_unknown(sim, "/etc/group", &account.name);
                exact_lines = false;
            }
        }
        write_unknown(sim, "/etc/gshadow", &account.name);
    }
    write_unknown(sim, "/etc/shadow", &account.name);
    let mut paths = vec!["/etc/passwd".to_string(), "/etc/shadow".to_string()];
    if account.create_home && account.home != "/nonexistent" {
        let uid = account.uid.unwrap_or(0);
        let gid = account.gid.unwrap_or(0);
        let home = crate::fs::path::clean(&account.home);
        let meta = crate::fs::Meta::new(0o755, uid, gid, sim.input.mtime);
        if sim.tree.lookup(&home).is_err() {
            let _ = sim
                .tree
                .mkdir_p(&super::exec::parent_of(&home), sim.meta(0o755));
            let _ = sim.tree.mkdir(&home, meta);
        }
        paths.push(home);
        sim.note("home directories get the files of /etc/skel (.bashrc, .profile, …), which are not in the simulated files");
    }
    let certainty = if exact_lines {
        Certainty::Estimated
    } else {
        Certainty::Unknown
    };
    let effect = sim.effect(
        call,
        EffectKind::Write,
        certainty,
        format!(
            "user {} ({}): /etc/passwd{}; /etc/shadow holds the build date",
            account.name,
            account
                .uid
                .map_or("uid not known".to_string(), |u| format!("uid {u}")),
            if exact_lines {
                " line exact"
            } else {
                " not known (the base image's file is not in the simulated files)"
            }
        ),
    );
    effect.paths = paths;
    Outcome::ok()
}
