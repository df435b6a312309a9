"""``oiap nlu``: evaluate and try a bot folder's intents and Q&A from the command line."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from oiap.cli.terminal import console

if TYPE_CHECKING:
    from oiap.adapters.bot_folder.nlu_files import BotNlu, DomainFile

# The names of the classifier backends, for the help text; the backends themselves (and
# scikit-learn with them) load only when a command trains one. A unit test keeps them equal.
BACKEND_NAMES = ("default", "embed")

nlu_app = typer.Typer(help="Intent recognition and Q&A matching tools.", no_args_is_help=True)

BotDir = Annotated[Path, typer.Argument(help="Bot folder (with domains/ and faq/).")]
DomainOpt = Annotated[str | None, typer.Option("--domain", help="Only this domain.")]
BackendOpt = Annotated[str, typer.Option("--backend", help=f"One of: {', '.join(BACKEND_NAMES)}.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def _load(directory: Path, domain: str | None) -> tuple[BotNlu, list[DomainFile]]:
    from oiap.adapters.bot_folder.nlu_files import BotFilesError, read_bot_nlu

    try:
        bot = read_bot_nlu(directory)
    except BotFilesError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    domains = [d for d in bot.domains if domain is None or d.name == domain]
    if domain is not None and not domains:
        console.print(f"[red]no domain named {domain!r} in {directory}[/red]")
        raise typer.Exit(2)
    return bot, domains


@nlu_app.command()
def evaluate(
    directory: BotDir,
    folds: Annotated[int, typer.Option("--folds", min=2, help="Cross-validation folds.")] = 5,
    domain: DomainOpt = None,
    backend: BackendOpt = "default",
    as_json: JsonOpt = False,
) -> None:
    """Stratified k-fold cross-validation of each domain's intents."""
    from oiap.nlu.evaluation import cross_validate

    _, domains = _load(directory, domain)
    report: list[dict[str, Any]] = []
    for d in domains:
        try:
            result = cross_validate(d.intents, folds=folds, language=d.language, backend=backend)
        except ValueError as exc:
            console.print(f"[red]{d.name}: {exc}[/red]")
            raise typer.Exit(1) from exc
        report.append({"domain": d.name, **asdict(result)})
        if as_json:
            continue
        console.print(
            f"[bold]{d.name}[/bold] ({d.language}): accuracy "
            f"{result.accuracy:.1%} over {folds} folds"
        )
        scores = Table("intent", "precision", "recall", "F1", "examples")
        for code, s in sorted(result.per_intent.items(), key=lambda x: x[1].f1):
            scores.add_row(
                code, f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}", str(s.support)
            )
        console.print(scores)
        if result.confused:
            confused = Table("expected", "predicted", "count", title="Most confused")
            for expected, predicted, count in result.confused:
                confused.add_row(expected, predicted, str(count))
            console.print(confused)
        if result.duplicates:
            dup = Table("utterance", "intents", title="Utterances under several intents")
            for text, codes in result.duplicates:
                dup.add_row(text, ", ".join(codes))
            console.print(dup)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))


@nlu_app.command()
def predict(
    directory: BotDir,
    text: Annotated[str, typer.Argument(help="The utterance.")],
    domain: DomainOpt = None,
    backend: BackendOpt = "default",
    top: Annotated[int, typer.Option("--top", min=1, help="Intents to list.")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Ranked intents with scores, filled slots and the Q&A match, for one utterance."""
    from oiap.nlu import FaqIndex, train

    bot, domains = _load(directory, domain)
    output: dict[str, Any] = {"text": text, "domains": [], "faq": None}
    for d in domains:
        try:
            model = train(d.intents, language=d.language, backend=backend, threshold=d.threshold)
        except ValueError as exc:
            console.print(f"[red]{d.name}: {exc}[/red]")
            raise typer.Exit(1) from exc
        p = model.predict(text, top_k=top)
        output["domains"].append(
            {
                "domain": d.name,
                "intent": p.intent,
                "score": p.score,
                "threshold": model.threshold,
                "ranked": p.ranked,
                "slots": p.slots,
            }
        )
    entries = [e for g in bot.faq_groups for e in g.entries]
    if entries:
        match = FaqIndex.build(entries).match(text)
        if match is not None:
            output["faq"] = {
                "question": match.question,
                "answer": match.answer,
                "score": match.score,
            }
    if as_json:
        typer.echo(json.dumps(output, ensure_ascii=False, indent=2))
        return
    for result in output["domains"]:
        console.print(
            f"[bold]{result['domain']}[/bold]: {result['intent']} "
            f"(score {result['score']:.3f}, threshold {result['threshold']:.2f})"
        )
        ranked = Table("intent", "score")
        for code, score in result["ranked"]:
            ranked.add_row(code, f"{score:.3f}")
        console.print(ranked)
        if result["slots"]:
            slots = Table("slot", "value")
            for name, value in result["slots"].items():
                slots.add_row(name, value)
            console.print(slots)
    faq = output["faq"]
    if faq is None:
        console.print("Q&A: no match")
    else:
        console.print(f"Q&A: {faq['question']!r} (score {faq['score']:.3f}) → {faq['answer']}")
