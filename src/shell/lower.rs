//! From brush's AST to the flat [`Script`]: walks lists, pipelines and compound commands,
//! remembering the operators and constructs around every simple command.

use super::script::{
    Assignment, Construct, Heredoc, Operator, Redirection, RedirectionKind, SimpleCommand,
};
use super::word::{Word, WordPart};
use crate::span::Span;
use brush_parser::ast;
use brush_parser::SourcePosition;

/// How deep command substitutions are parsed (`$( $( $( ... ) ) )`); deeper ones are left as
/// words.
const MAX_SUBSTITUTION_DEPTH: usize = 8;

/// Walks one parsed (sub)script whose text starts at byte `base` of the outer script.
pub(crate) struct Lowerer<'a> {
    text: &'a str,
    /// Byte offset of each char index of `text` (brush positions count chars), plus the end.
    char_to_byte: Vec<usize>,
    base: usize,
    depth: usize,
    context: Vec<Construct>,
    /// One id per entry of `context`, unique per construct instance in the whole script.
    context_ids: Vec<usize>,
    next_id: usize,
    pub(crate) commands: Vec<SimpleCommand>,
}

impl<'a> Lowerer<'a> {
    pub(crate) fn new(text: &'a str, base: usize, depth: usize) -> Self {
        let mut char_to_byte: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        char_to_byte.push(text.len());
        Lowerer {
            text,
            char_to_byte,
            base,
            depth,
            context: Vec::new(),
            context_ids: Vec::new(),
            next_id: 0,
            commands: Vec::new(),
        }
    }

    /// Byte offset (in the outer script) of a brush position.
    pub(crate) fn byte(&self, position: &SourcePosition) -> usize {
        let local = self
            .char_to_byte
            .get(position.index)
            .copied()
            .unwrap_or(self.text.len());
        self.base + local
    }

    /// brush's token positions can drift by a character or two after a heredoc. When the
    /// text at `start` is not the word, use the nearest occurrence of the word instead.
    fn resync(&self, raw: &str, start: usize) -> usize {
        let local = self.local(start);
        if raw.is_empty()
            || self
                .text
                .get(local..)
                .is_some_and(|rest| rest.starts_with(raw))
        {
            return start;
        }
        const WINDOW: usize = 8;
        let mut best: Option<usize> = None;
        for (offset, _) in self.text.match_indices(raw) {
            let distance = offset.abs_diff(local);
            if distance <= WINDOW && best.is_none_or(|b| distance < b.abs_diff(local)) {
                best = Some(offset);
            }
        }
        best.map_or(start, |offset| self.base + offset)
    }

    fn local(&self, absolute: usize) -> usize {
        absolute.saturating_sub(self.base).min(self.text.len())
    }

    pub(crate) fn program(&mut self, program: &ast::Program) {
        let count = program.complete_commands.len();
        for (index, list) in program.complete_commands.iter().enumerate() {
            // Separate complete commands are separated by newlines.
            let before = (index > 0).then_some(Operator::Newline);
            self.compound_list(list, before, index + 1 < count);
        }
    }

    /// A list of and-or lists with their separators. `more_follows` says whether something
    /// comes after the list at the same level (a newline-separated complete command).
    fn compound_list(
        &mut self,
        list: &ast::CompoundList,
        before: Option<Operator>,
        more_follows: bool,
    ) {
        let mut previous = before;
        let count = list.0.len();
        for (index, ast::CompoundListItem(and_or, separator)) in list.0.iter().enumerate() {
            let is_last = index + 1 == count;
            let after = match separator {
                ast::SeparatorOperator::Async => Some(Operator::Background),
                ast::SeparatorOperator::Sequence => {
                    let end =
                        ast::SourceLocation::location(and_or).map(|span| self.byte(&span.end));
                    let next_char = end.and_then(|end| {
                        self.text
                            .get(self.local(end)..)
                            .and_then(|rest| rest.trim_start_matches([' ', '\t']).chars().next())
                    });
                    if next_char == Some(';') {
                        Some(Operator::Semicolon)
                    } else if !is_last || more_follows {
                        Some(Operator::Newline)
                    } else {
                        None
                    }
                }
            };
            self.and_or(and_or, previous, after);
            previous = after;
        }
    }

    fn and_or(&mut self, list: &ast::AndOrList, before: Option<Operator>, after: Option<Operator>) {
        let mut pipelines: Vec<(&ast::Pipeline, Option<Operator>)> = vec![(&list.first, before)];
        for next in &list.additional {
            match next {
                ast::AndOr::And(pipeline) => pipelines.push((pipeline, Some(Operator::And))),
                ast::AndOr::Or(pipeline) => pipelines.push((pipeline, Some(Operator::Or))),
            }
        }
        for index in 0..pipelines.len() {
            let (pipeline, before) = pipelines[index];
            let after = pipelines.get(index + 1).map_or(after, |(_, op)| *op);
            self.pipeline(pipeline, before, after);
        }
    }

    fn pipeline(
        &mut self,
        pipeline: &ast::Pipeline,
        before: Option<Operator>,
        after: Option<Operator>,
    ) {
        let length = pipeline.seq.len();
        for (position, command) in pipeline.seq.iter().enumerate() {
            let stage_before = if position == 0 {
                before
            } else {
                self.pipe_operator(&pipeline.seq[position - 1])
            };
            let stage_after = if position + 1 == length {
                after
            } else {
                self.pipe_operator(command)
            };
            let pushed = length > 1;
            if pushed {
                self.push_context(Construct::Pipeline {
                    position,
                    length,
                    negated: pipeline.bang,
                });
            }
            self.command(command, stage_before, stage_after);
            if pushed {
                self.pop_context();
            }
        }
    }

    /// `|` or `|&` after a pipeline stage, read from the text after it.
    fn pipe_operator(&self, stage: &ast::Command) -> Option<Operator> {
        let end = ast::SourceLocation::location(stage).map(|span| self.byte(&span.end));
        let rest = end
            .and_then(|end| self.text.get(self.local(end)..))
            .unwrap_or("");
        if rest.trim_start().starts_with("|&") {
            Some(Operator::PipeAll)
        } else {
            Some(Operator::Pipe)
        }
    }

    fn push_context(&mut self, construct: Construct) {
        self.context.push(construct);
        self.context_ids.push(self.next_id);
        self.next_id += 1;
    }

    fn pop_context(&mut self) {
        self.context.pop();
        self.context_ids.pop();
    }

    fn with_context(&mut self, construct: Construct, walk: impl FnOnce(&mut Self)) {
        self.push_context(construct);
        walk(self);
        self.pop_context();
    }

    /// A lowerer for a nested script (a substitution) at byte `base`, inside `construct`.
    fn nested_lowerer<'b>(
        &mut self,
        text: &'b str,
        base: usize,
        construct: Construct,
    ) -> Lowerer<'b> {
        let mut inner = Lowerer::new(text, base, self.depth + 1);
        inner.context = self.context.clone();
        inner.context_ids = self.context_ids.clone();
        inner.next_id = self.next_id;
        inner.push_context(construct);
        inner
    }

    /// Takes back the commands and the id counter of a nested lowerer.
    fn absorb(&mut self, mut inner: Lowerer<'_>) {
        self.next_id = inner.next_id;
        self.commands.append(&mut inner.commands);
    }

    fn command(
        &mut self,
        command: &ast::Command,
        before: Option<Operator>,
        after: Option<Operator>,
    ) {
        match command {
            ast::Command::Simple(simple) => self.simple(simple, before, after),
            ast::Command::Compound(compound, redirects) => {
                self.compound(compound);
                if let Some(redirects) = redirects {
                    // Redirections of a compound command: keep their substitutions visible.
                    for redirect in &redirects.0 {
                        let _ = self.redirection(redirect);
                    }
                }
            }
            ast::Command::Function(function) => {
                let name = function.fname.value.clone();
                self.with_context(Construct::FunctionBody { name }, |this| {
                    this.compound(&function.body.0)
                });
            }
            ast::Command::ExtendedTest(_, _) => {
                // `[[ ... ]]` is a bash test: no command runs, but the lint still wants to see
                // it as a command named `[[`.
                if let Some(span) = ast::SourceLocation::location(command) {
                    let start = self.byte(&span.start);
                    let end = self.byte(&span.end);
                    let raw = self
                        .text
                        .get(self.local(start)..self.local(end))
                        .unwrap_or("");
                    self.commands.push(SimpleCommand {
                        words: vec![Word::from_raw("[[", start)],
                        assignments: Vec::new(),
                        redirections: Vec::new(),
                        preceded_by: before,
                        followed_by: after,
                        context: self.context.clone(),
                        context_ids: self.context_ids.clone(),
                        span: Span::new(start, start + raw.len()),
                    });
                }
            }
        }
    }

    fn compound(&mut self, compound: &ast::CompoundCommand) {
        match compound {
            ast::CompoundCommand::Arithmetic(_) => {}
            ast::CompoundCommand::ArithmeticForClause(clause) => self
                .with_context(Construct::ArithmeticForLoop, |this| {
                    this.compound_list(&clause.body.list, None, false)
                }),
            ast::CompoundCommand::BraceGroup(group) => self
                .with_context(Construct::BraceGroup, |this| {
                    this.compound_list(&group.list, None, false)
                }),
            ast::CompoundCommand::Subshell(subshell) => self
                .with_context(Construct::Subshell, |this| {
                    this.compound_list(&subshell.list, None, false)
                }),
            ast::CompoundCommand::ForClause(clause) => {
                let values = clause
                    .values
                    .as_ref()
                    .map(|words| words.iter().map(|w| self.word(w)).collect());
                self.with_context(
                    Construct::ForLoop {
                        variable: clause.variable_name.clone(),
                        values,
                    },
                    |this| this.compound_list(&clause.body.list, None, false),
                );
            }
            ast::CompoundCommand::CaseClause(clause) => {
                let value = self.word(&clause.value);
                for item in &clause.cases {
                    if let Some(list) = &item.cmd {
                        self.with_context(
                            Construct::CaseBranch {
                                value: value.clone(),
                            },
                            |this| this.compound_list(list, None, false),
                        );
                    }
                }
            }
            ast::CompoundCommand::IfClause(clause) => {
                let id = self.next_id;
                self.next_id += 1;
                self.with_context(
                    Construct::IfCondition {
                        clause: id,
                        branch: 0,
                    },
                    |this| this.compound_list(&clause.condition, None, false),
                );
                self.with_context(
                    Construct::IfBranch {
                        clause: id,
                        branch: 0,
                        is_else: false,
                    },
                    |this| this.compound_list(&clause.then, None, false),
                );
                for (index, branch) in clause.elses.iter().flatten().enumerate() {
                    let number = index + 1;
                    if let Some(condition) = &branch.condition {
                        self.with_context(
                            Construct::IfCondition {
                                clause: id,
                                branch: number,
                            },
                            |this| this.compound_list(condition, None, false),
                        );
                    }
                    self.with_context(
                        Construct::IfBranch {
                            clause: id,
                            branch: number,
                            is_else: branch.condition.is_none(),
                        },
                        |this| this.compound_list(&branch.body, None, false),
                    );
                }
            }
            ast::CompoundCommand::WhileClause(clause)
            | ast::CompoundCommand::UntilClause(clause) => {
                self.with_context(Construct::LoopCondition, |this| {
                    this.compound_list(&clause.0, None, false)
                });
                self.with_context(Construct::LoopBody, |this| {
                    this.compound_list(&clause.1.list, None, false)
                });
            }
            ast::CompoundCommand::Coprocess(coprocess) => {
                self.with_context(Construct::Coprocess, |this| {
                    this.command(&coprocess.body, None, None)
                });
            }
        }
    }

    /// Our word for a brush word, with its span (from the token location when known).
    fn word(&mut self, word: &ast::Word) -> Word {
        let start = word
            .loc
            .as_ref()
            .map_or(self.base, |loc| self.byte(&loc.start));
        let start = self.resync(&word.value, start);
        let ours = Word::from_raw(&word.value, start);
        self.substitutions(&ours);
        ours
    }

    /// Parses the command substitutions of a word and records their commands (they run
    /// before the command that contains the word).
    fn substitutions(&mut self, word: &Word) {
        if self.depth >= MAX_SUBSTITUTION_DEPTH {
            return;
        }
        for part in &word.parts {
            if let WordPart::CommandSubstitution { script, .. } = part {
                let offset = word
                    .raw
                    .find(script.as_str())
                    .map_or(word.span.start, |i| word.span.start + i);
                self.nested(script, offset, Construct::CommandSubstitution);
            }
        }
    }

    /// Parses a nested script (substitution) and appends its commands.
    fn nested(&mut self, script: &str, offset: usize, construct: Construct) {
        let Ok(program) = super::parse_program(script) else {
            return;
        };
        let mut inner = self.nested_lowerer(script, offset, construct);
        inner.program(&program);
        self.absorb(inner);
    }

    fn simple(
        &mut self,
        simple: &ast::SimpleCommand,
        before: Option<Operator>,
        after: Option<Operator>,
    ) {
        let mut words = Vec::new();
        let mut assignments = Vec::new();
        let mut redirections = Vec::new();
        let mut items: Vec<&ast::CommandPrefixOrSuffixItem> = Vec::new();
        if let Some(prefix) = &simple.prefix {
            items.extend(prefix.0.iter());
        }
        let name_position = items.len();
        if let Some(suffix) = &simple.suffix {
            items.extend(suffix.0.iter());
        }
        for (index, item) in items.iter().enumerate() {
            if index == name_position {
                if let Some(name) = &simple.word_or_name {
                    words.push(self.word(name));
                }
            }
            let in_prefix = index < name_position;
            match item {
                ast::CommandPrefixOrSuffixItem::IoRedirect(redirect) => {
                    if let Some(redirection) = self.redirection(redirect) {
                        redirections.push(redirection);
                    }
                }
                ast::CommandPrefixOrSuffixItem::Word(word) => words.push(self.word(word)),
                ast::CommandPrefixOrSuffixItem::AssignmentWord(assignment, word) => {
                    if in_prefix {
                        assignments.push(self.assignment(assignment, word));
                    } else {
                        // `export A=b`, `docker run -e A=b`: an ordinary argument.
                        words.push(self.word(word));
                    }
                }
                ast::CommandPrefixOrSuffixItem::ProcessSubstitution(kind, subshell) => {
                    let text = format!("{kind}{subshell}");
                    let at = ast::SourceLocation::location(subshell)
                        .map_or(self.base, |span| self.byte(&span.start));
                    let mut inner =
                        self.nested_lowerer(self.text, self.base, Construct::ProcessSubstitution);
                    inner.compound_list(&subshell.list, None, false);
                    self.absorb(inner);
                    words.push(Word {
                        raw: text.clone(),
                        span: Span::at(at),
                        parts: vec![WordPart::CommandSubstitution {
                            script: subshell.list.to_string(),
                            quoting: super::word::Quoting::Unquoted,
                        }],
                    });
                }
            }
        }
        if items.len() == name_position {
            if let Some(name) = &simple.word_or_name {
                words.push(self.word(name));
            }
        }
        let spans = words
            .iter()
            .map(|w| w.span)
            .chain(assignments.iter().map(|a: &Assignment| a.span))
            .chain(redirections.iter().map(|r: &Redirection| r.span));
        let span = spans
            .reduce(Span::cover)
            .unwrap_or_else(|| Span::at(self.base));
        self.commands.push(SimpleCommand {
            words,
            assignments,
            redirections,
            preceded_by: before,
            followed_by: after,
            context: self.context.clone(),
            context_ids: self.context_ids.clone(),
            span,
        });
    }

    fn assignment(&mut self, assignment: &ast::Assignment, word: &ast::Word) -> Assignment {
        let whole = self.word(word);
        let name = match &assignment.name {
            ast::AssignmentName::VariableName(name) => name.clone(),
            ast::AssignmentName::ArrayElementName(name, _) => name.clone(),
        };
        let value_offset = whole.raw.find('=').map_or(whole.raw.len(), |i| i + 1);
        let value_raw = whole.raw.get(value_offset..).unwrap_or("");
        let value = Word::from_raw(value_raw, whole.span.start + value_offset);
        Assignment {
            name,
            value,
            append: assignment.append,
            span: whole.span,
        }
    }

    /// The span of a redirection: its target word extended back over the operator.
    fn redirection_span(&self, target: Span) -> Span {
        let local_start = self.local(target.start);
        let before = self.text.get(..local_start).unwrap_or("");
        let trimmed = before.trim_end_matches([' ', '\t']);
        let operator_start = trimmed
            .trim_end_matches(['<', '>', '&', '|', '-'])
            .trim_end_matches(|c: char| c.is_ascii_digit());
        Span::new(self.base + operator_start.len(), target.end)
    }

    fn redirection(&mut self, redirect: &ast::IoRedirect) -> Option<Redirection> {
        match redirect {
            ast::IoRedirect::File(fd, kind, target) => {
                let (kind, target_span) = match target {
                    ast::IoFileRedirectTarget::Filename(word) => {
                        let target = self.word(word);
                        let span = target.span;
                        let kind = match kind {
                            ast::IoFileRedirectKind::Read => RedirectionKind::Read { target },
                            ast::IoFileRedirectKind::Write | ast::IoFileRedirectKind::Clobber => {
                                RedirectionKind::Write { target }
                            }
                            ast::IoFileRedirectKind::Append => RedirectionKind::Append { target },
                            ast::IoFileRedirectKind::ReadAndWrite => {
                                RedirectionKind::ReadWrite { target }
                            }
                            ast::IoFileRedirectKind::DuplicateInput => {
                                RedirectionKind::DuplicateInput { target: target.raw }
                            }
                            ast::IoFileRedirectKind::DuplicateOutput => {
                                RedirectionKind::DuplicateOutput { target: target.raw }
                            }
                        };
                        (kind, Some(span))
                    }
                    ast::IoFileRedirectTarget::Fd(target_fd) => {
                        let target = target_fd.to_string();
                        let kind = match kind {
                            ast::IoFileRedirectKind::DuplicateInput
                            | ast::IoFileRedirectKind::Read => {
                                RedirectionKind::DuplicateInput { target }
                            }
                            _ => RedirectionKind::DuplicateOutput { target },
                        };
                        (kind, None)
                    }
                    ast::IoFileRedirectTarget::Duplicate(word) => {
                        let target = self.word(word);
                        let span = target.span;
                        let kind = match kind {
                            ast::IoFileRedirectKind::DuplicateInput
                            | ast::IoFileRedirectKind::Read => {
                                RedirectionKind::DuplicateInput { target: target.raw }
                            }
                            _ => RedirectionKind::DuplicateOutput { target: target.raw },
                        };
                        (kind, Some(span))
                    }
                    ast::IoFileRedirectTarget::ProcessSubstitution(_, subshell) => {
                        let mut inner = self.nested_lowerer(
                            self.text,
                            self.base,
                            Construct::ProcessSubstitution,
                        );
                        inner.compound_list(&subshell.list, None, false);
                        self.absorb(inner);
                        let span = ast::SourceLocation::location(subshell)
                            .map(|s| Span::new(self.byte(&s.start), self.byte(&s.end)));
                        (RedirectionKind::ProcessSubstitution, span)
                    }
                };
                let span = target_span.map_or(Span::at(self.base), |s| self.redirection_span(s));
                Some(Redirection {
                    fd: *fd,
                    kind,
                    span,
                })
            }
            ast::IoRedirect::HereDocument(fd, heredoc) => {
                let delimiter_word = self.word(&heredoc.here_end);
                let delimiter = delimiter_word
                    .literal()
                    .unwrap_or(delimiter_word.raw.clone());
                let body = heredoc.doc.value.clone();
                let body_start = heredoc
                    .doc
                    .loc
                    .as_ref()
                    .map_or(self.base, |loc| self.byte(&loc.start));
                let parts = heredoc.requires_expansion.then(|| {
                    let word = Word::heredoc(&body, body_start);
                    self.substitutions(&word);
                    word
                });
                let span = self.redirection_span(delimiter_word.span);
                Some(Redirection {
                    fd: *fd,
                    kind: RedirectionKind::Heredoc(Heredoc {
                        delimiter,
                        body,
                        expand: heredoc.requires_expansion,
                        strip_tabs: heredoc.remove_tabs,
                        parts,
                    }),
                    span,
                })
            }
            ast::IoRedirect::HereString(fd, word) => {
                let word = self.word(word);
                let span = self.redirection_span(word.span);
                Some(Redirection {
                    fd: *fd,
                    kind: RedirectionKind::HereString { word },
                    span,
                })
            }
            ast::IoRedirect::OutputAndError(word, append) => {
                let target = self.word(word);
                let span = self.redirection_span(target.span);
                Some(Redirection {
                    fd: None,
                    kind: RedirectionKind::OutputAndError {
                        target,
                        append: *append,
                    },
                    span,
                })
            }
        }
    }
}
