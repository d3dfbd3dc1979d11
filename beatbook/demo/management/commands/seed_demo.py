"""`manage.py seed_demo [--if-empty] [--seed N] [--no-incidents] [--no-cases]`: load the demo world,
a year of incidents and the ASB cases opened from them (see docs/how-to/demo-data.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from beatbook.core.timeutil import today
from beatbook.demo import seeding
from beatbook.demo.cases import seed_cases
from beatbook.demo.community_events import seed_events
from beatbook.demo.community_priorities import seed_priorities
from beatbook.demo.community_publication import seed_publication
from beatbook.demo.development import seed_development
from beatbook.demo.incidents import seed_incidents
from beatbook.demo.opendata import seed_opendata
from beatbook.demo.patrols import seed_patrols
from beatbook.demo.portfolio import seed_portfolio
from beatbook.demo.powers import seed_enforcement, seed_powers
from beatbook.demo.programmes import seed_programmes, seed_signoffs
from beatbook.demo.recruitment import seed_recruitment


class Command(BaseCommand):
    help = (
        "Load the demo forces, neighbourhoods, teams, partners, people and postings, and a year of "
        "incidents up to yesterday, patrols, and ASB cases with information-sharing agreements, through the "
        "services (every row audited). Deterministic for a given --seed and day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, successfully, if the database already has any force.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=seeding.DEFAULT_SEED,
            help=f"Seed for names, boundaries, postings and incidents (default {seeding.DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--no-incidents",
            action="store_true",
            help="Load the organisation only, without the year of incidents, the patrols and the cases (much quicker).",
        )
        parser.add_argument(
            "--no-cases",
            action="store_true",
            help="Leave out the ASB cases and information-sharing agreements (the incidents still load).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if seeding.has_forces():
            if options["if_empty"]:
                if options["verbosity"] > 0:
                    self.stdout.write("Demo data not loaded: the database already has forces.")
                return
            raise CommandError(
                "The database already has forces. seed_demo loads into an empty database only "
                "(--if-empty skips quietly)."
            )
        # All or nothing: a failure leaves the database empty, so that the next `make run`
        # (--if-empty) loads it again rather than skipping a world without incidents.
        with transaction.atomic():
            report = seeding.seed_world(seed=options["seed"])
            powers = seed_powers()
            development = seed_development()  # after the powers demo: see demo/development.py
            publication = seed_publication()
            events = seed_events(seed=options["seed"])
            priorities = seed_priorities(seed=options["seed"])
            incidents = patrols = cases = enforcement = opendata = None
            if not options["no_incidents"]:
                incidents = seed_incidents(seed=options["seed"], end=today())
                patrols = seed_patrols(seed=options["seed"], end=today())
                if not options["no_cases"]:  # opened from the incidents: none without them
                    cases = seed_cases(seed=options["seed"])
                enforcement = seed_enforcement(seed=options["seed"])
                opendata = seed_opendata(end=today())
            # The students after the year of incidents (whose seed wants none before it): the
            # programme, then the portfolio's evidence (their own incidents, redacted), then the
            # sign-offs, which need the criteria met.
            programmes = seed_programmes()
            portfolio = seed_portfolio()
            signoffs = seed_signoffs()
            recruitment = seed_recruitment()  # campaigns and applications, one applicant appointed
        if options["verbosity"] > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the demo world (seed {report.seed}) in {report.seconds:.1f} s: "
                    f"{report.forces} forces, {report.neighbourhoods} neighbourhoods, {report.teams} teams, "
                    f"{report.partners} partner organisations, {report.people} people, "
                    f"{report.postings} postings."
                )
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the powers catalogue into {powers.forces} forces with {powers.tariffs} example tariffs; "
                    f"recorded {powers.training_records} training passes and {powers.designations} designations "
                    f"in {powers.seconds:.1f} s."
                )
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the competency frameworks into {development.forces} forces, {development.courses} demo "
                    f"courses, {development.cpd_entries} CPD entries and {development.pdrs} PDRs "
                    f"in {development.seconds:.1f} s."
                )
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the learning programme: {programmes.enrolments} student PCSOs enrolled, "
                    f"{programmes.reviews} progress reviews held, {portfolio.evidence} evidence items "
                    f"({portfolio.records} redacted operational records, {portfolio.judgements} judgements), "
                    f"{signoffs.signoffs} milestones signed off."
                )
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Opened {recruitment.campaigns} recruitment campaigns with {recruitment.applications} "
                    f"applications in every stage ({recruitment.appointed} applicant appointed)."
                )
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Published {publication.pages} neighbourhood pages and {publication.profiles} public profiles; "
                    f"recorded {events.held} held and {events.planned} planned engagement events "
                    f"and {priorities.priorities} neighbourhood priorities "
                    f"({priorities.due_for_review} due for review)."
                )
            )
            if incidents is not None:
                forces = ", ".join(f"{slug} {count}" for slug, count in sorted(incidents.per_force.items()))
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Recorded {incidents.incidents} demo incidents ({incidents.first_day:%d/%m/%Y} to "
                        f"{incidents.last_day:%d/%m/%Y}) in {incidents.seconds:.1f} s: {forces}; "
                        f"{incidents.people} people involved, "
                        f"{incidents.alerts_raised} alerts raised, {incidents.alerts_open} still open."
                    )
                )
            if patrols is not None:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Planned {patrols.plans} hot-spot plans; recorded {patrols.patrols} demo patrols "
                        f"with {patrols.visits} visits."
                    )
                )
            if cases is not None:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Recorded {cases.agreements} information-sharing agreements and {cases.cases} ASB cases "
                        f"({cases.open} open, {cases.closed} closed; {cases.shared} shared with a partner) "
                        f"in {cases.seconds:.1f} s."
                    )
                )
            if enforcement is not None:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Recorded {enforcement.records} enforcement records ({enforcement.refused} refused: "
                        f"power not held) in {enforcement.seconds:.1f} s."
                    )
                )
            if opendata is not None:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Loaded {opendata.snap_points} snap points, imported {opendata.rows_imported} police.uk "
                        f"crime rows and published {sum(opendata.published.values())} incidents as open data "
                        f"({', '.join(opendata.months)}) in {opendata.seconds:.1f} s."
                    )
                )
            self.stdout.write("The demo logins: manage.py demo_logins")
