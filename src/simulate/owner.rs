//! `--chown` and `USER` resolution: numeric ids, or names looked up in the image's
//! `/etc/passwd` and `/etc/group` when the simulated tree holds them.

use crate::fs::Tree;

/// A resolved owner, and a note when it could not be resolved exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub uid: u32,
    pub gid: u32,
    /// Set when a name could not be looked up (the ids are then 0, an assumption).
    pub unresolved: Option<String>,
}

impl Owner {
    pub const ROOT: Owner = Owner {
        uid: 0,
        gid: 0,
        unresolved: None,
    };
}

/// Why resolution failed outright (BuildKit fails the build).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerError(pub String);

/// Resolves `user[:group]` as BuildKit's `parseUser`/`getUser` do: numbers are ids; only a
/// user means gid = the user's primary group (or the same number for a numeric uid); names
/// come from `/etc/passwd` / `/etc/group` of `tree`. `base_known` says whether missing files
/// mean "really absent" (scratch) or "not known to layerlab" (a registry base image).
pub fn resolve(spec: &str, tree: &Tree, base_known: bool) -> Result<Owner, OwnerError> {
    let (user, group) = match spec.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    let passwd = read_text(tree, "/etc/passwd");
    let groups = read_text(tree, "/etc/group");
    let mut unresolved = None;
    let (uid, primary_gid) = if let Ok(n) = user.parse::<u32>() {
        (n, n)
    } else if user.is_empty() {
        (0, 0)
    } else {
        match passwd.as_deref().and_then(|p| lookup_passwd(p, user)) {
            Some((u, g)) => (u, g),
            None if passwd.is_some() || base_known => {
                return Err(OwnerError(format!(
                    "unable to find user {user}: no matching entries in passwd file"
                )))
            }
            None => {
                unresolved = Some(format!(
                    "user `{user}` is defined in the base image's /etc/passwd, which layerlab \
                     does not have: uid shown as 0"
                ));
                (0, 0)
            }
        }
    };
    let gid = match group {
        None => primary_gid,
        Some(g) => {
            if let Ok(n) = g.parse::<u32>() {
                n
            } else {
                match groups.as_deref().and_then(|t| lookup_group(t, g)) {
                    Some(n) => n,
                    None if groups.is_some() || base_known => {
                        return Err(OwnerError(format!(
                            "unable to find group {g}: no matching entries in group file"
                        )))
                    }
                    None => {
                        let note = format!(
                            "group `{g}` is defined in the base image's /etc/group, which \
                             layerlab does not have: gid shown as 0"
                        );
                        unresolved = Some(match unresolved {
                            Some(u) => format!("{u}; {note}"),
                            None => note,
                        });
                        0
                    }
                }
            }
        }
    };
    Ok(Owner {
        uid,
        gid,
        unresolved,
    })
}

fn read_text(tree: &Tree, path: &str) -> Option<String> {
    let node = tree.lookup(path).ok()?;
    let bytes = node.content()?.bytes()?;
    Some(String::from_utf8_lossy(bytes).into_owned())
}

fn lookup_passwd(text: &str, name: &str) -> Option<(u32, u32)> {
    text.lines().find_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        if f.len() >= 4 && f[0] == name {
            Some((f[2].parse().ok()?, f[3].parse().ok()?))
        } else {
            None
        }
    })
}

fn lookup_group(text: &str, name: &str) -> Option<u32> {
    text.lines().find_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        if f.len() >= 3 && f[0] == name {
            f[2].parse().ok()
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::{Content, Meta};

    #[test]
    fn names_numbers_and_unknown_bases() {
        let mut tree = Tree::new();
        tree.mkdir_p("/etc", Meta::new(0o755, 0, 0, 0))
            .expect("mkdir");
        tree.write_file(
            "/etc/passwd",
            Content::known(
                b"root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n".to_vec(),
            ),
            Meta::new(0o644, 0, 0, 0),
        )
        .expect("write");
        tree.write_file(
            "/etc/group",
            Content::known(b"root:x:0:\nstaff:x:50:\n".to_vec()),
            Meta::new(0o644, 0, 0, 0),
        )
        .expect("write");
        let o = resolve("app", &tree, true).expect("app");
        assert_eq!((o.uid, o.gid), (1000, 1001));
        let o = resolve("app:staff", &tree, true).expect("app:staff");
        assert_eq!((o.uid, o.gid), (1000, 50));
        let o = resolve("42", &tree, true).expect("numeric");
        assert_eq!((o.uid, o.gid), (42, 42));
        assert!(resolve("nobody", &tree, true).is_err());
        let empty = Tree::new();
        assert!(resolve("nobody", &empty, true).is_err());
        let o = resolve("nobody", &empty, false).expect("unknown base");
        assert!(o.unresolved.is_some());
    }
}
