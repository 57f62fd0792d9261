//! DL3064: Potentially sensitive data should not be used in the `ARG` or `ENV` commands

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3064",
    name: "no-sensitive-arg-env",
    set: RuleSet::Hadolint,
    summary: "Potentially sensitive data should not be used in the `ARG` or `ENV` commands",
    rationale: "ARG and ENV values end up in the image metadata and history, readable by anyone with the image; use build secrets.",
    bad: "ARG AWS_ACCESS_KEY_ID\nFROM debian:12\n",
    good: "FROM debian:12\nRUN --mount=type=secret,id=aws ./deploy.sh\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3064",
    default_severity: Severity::Warning,
    off_by_default: false,
};

use super::model::with_onbuild;

const KNOWN: [&str; 48] = [
    "ACCESS_TOKEN",
    "APPLICATION_KEY",
    "APP_SECRET",
    "AUTH_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "BITTREX_API_KEY",
    "BITTREX_API_SECRET",
    "CF_PASSWORD",
    "CF_USERNAME",
    "CIRCLE_TOKEN",
    "CI_DEPLOY_PASSWORD",
    "CI_DEPLOY_USER",
    "DOCKERHUB_PASSWORD",
    "DOCKER_EMAIL",
    "DOCKER_PASSWORD",
    "DOCKER_USERNAME",
    "FACEBOOK_ACCESS_TOKEN",
    "FACEBOOK_APP_ID",
    "FACEBOOK_APP_SECRET",
    "FIREBASE_API_TOKEN",
    "FIREBASE_TOKEN",
    "FOSSA_API_KEY",
    "GH_ENTERPRISE_TOKEN",
    "GH_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "GITHUB_TOKEN",
    "HEROKU_API_KEY",
    "HEROKU_API_USER",
    "NPM_AUTH_TOKEN",
    "NPM_TOKEN",
    "OKTA_AUTHN_GROUPID",
    "OKTA_CLIENT_ORGURL",
    "OKTA_CLIENT_TOKEN",
    "OKTA_OAUTH2_CLIENTID",
    "OKTA_OAUTH2_CLIENTSECRET",
    "OPENAI_API_KEY",
    "OS_PASSWORD",
    "OS_USERNAME",
    "POSTGRES_PASSWORD",
    "SLACK_TOKEN",
    "STRIPE_API_KEY",
    "STRIPE_DEVICE_NAME",
    "TRAVIS_OS_NAME",
    "TRAVIS_SECURE_ENV_VARS",
    "TRAVIS_SUDO",
    "VAULT_CLIENT_KEY",
    "VAULT_TOKEN",
];
const SUSPICIOUS: [&str; 7] = [
    "api_key",
    "client_key",
    "password",
    "private",
    "secret",
    "token",
    "username",
];

pub fn sensitive(name: &str) -> bool {
    let lower = name.to_lowercase();
    KNOWN.contains(&name.to_uppercase().as_str()) || SUSPICIOUS.iter().any(|s| lower.contains(s))
}

fn arg_names(inst: &crate::syntax::Instruction) -> Vec<String> {
    inst.args
        .iter()
        .map(|w| w.value.split('=').next().unwrap_or("").to_string())
        .collect()
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let names: Vec<String> = match h.kind() {
            Keyword::Arg => arg_names(h.inst),
            Keyword::Env => super::label_pairs(h.inst)
                .into_iter()
                .map(|(k, _)| k)
                .collect(),
            _ => continue,
        };
        if names.iter().any(|n| sensitive(n)) {
            out.push_summary(h.span(cx));
        }
    }
}
