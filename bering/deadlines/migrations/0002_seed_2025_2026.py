"""Seed the official calendars of 2025 and 2026.

Generated once from the ``holidays`` package (see ``bering.deadlines.seeding``)
and checked against the decrees and the official production calendars: both
years have 247 working days. The rows are written out here so the migration
gives the same result whatever version of the package is installed later;
``test_seed.py`` checks that the package still agrees. See decision 0006.
"""

from django.db import migrations

YEARS = {
    2025: {
        "decree": "Постановление Правительства РФ от 04.10.2024 № 1335 «О переносе выходных дней в 2025 году»",
        "official_working_days": 247,
        "source": "holidays 0.109",
        "days": [
            ("2025-01-01", "holiday", "Новогодние каникулы"),
            ("2025-01-02", "holiday", "Новогодние каникулы"),
            ("2025-01-03", "holiday", "Новогодние каникулы"),
            ("2025-01-04", "holiday", "Новогодние каникулы"),
            ("2025-01-05", "holiday", "Новогодние каникулы"),
            ("2025-01-06", "holiday", "Новогодние каникулы"),
            ("2025-01-07", "holiday", "Рождество Христово"),
            ("2025-01-08", "holiday", "Новогодние каникулы"),
            ("2025-02-23", "holiday", "День защитника Отечества"),
            ("2025-03-07", "short", "Предпраздничный день (на час короче)"),
            ("2025-03-08", "holiday", "Международный женский день"),
            ("2025-04-30", "short", "Предпраздничный день (на час короче)"),
            ("2025-05-01", "holiday", "Праздник Весны и Труда"),
            ("2025-05-02", "day_off", "Выходной (перенесено с 04.01.2025)"),
            ("2025-05-08", "day_off", "Выходной (перенесено с 23.02.2025)"),
            ("2025-05-09", "holiday", "День Победы"),
            ("2025-06-11", "short", "Предпраздничный день (на час короче)"),
            ("2025-06-12", "holiday", "День России"),
            ("2025-06-13", "day_off", "Выходной (перенесено с 08.03.2025)"),
            ("2025-11-01", "short", "Рабочий день (выходной перенесён на 03.11.2025); предпраздничный день (на час короче)"),
            ("2025-11-03", "day_off", "Выходной (перенесено с 01.11.2025)"),
            ("2025-11-04", "holiday", "День народного единства"),
            ("2025-12-31", "day_off", "Выходной (перенесено с 05.01.2025)"),
        ],
    },
    2026: {
        "decree": "Постановление Правительства РФ от 24.09.2025 № 1466 «О переносе выходных дней в 2026 году»",
        "official_working_days": 247,
        "source": "holidays 0.109",
        "days": [
            ("2026-01-01", "holiday", "Новогодние каникулы"),
            ("2026-01-02", "holiday", "Новогодние каникулы"),
            ("2026-01-03", "holiday", "Новогодние каникулы"),
            ("2026-01-04", "holiday", "Новогодние каникулы"),
            ("2026-01-05", "holiday", "Новогодние каникулы"),
            ("2026-01-06", "holiday", "Новогодние каникулы"),
            ("2026-01-07", "holiday", "Рождество Христово"),
            ("2026-01-08", "holiday", "Новогодние каникулы"),
            ("2026-01-09", "day_off", "Выходной (перенесено с 03.01.2026)"),
            ("2026-02-23", "holiday", "День защитника Отечества"),
            ("2026-03-08", "holiday", "Международный женский день"),
            ("2026-03-09", "day_off", "Международный женский день (выходной)"),
            ("2026-04-30", "short", "Предпраздничный день (на час короче)"),
            ("2026-05-01", "holiday", "Праздник Весны и Труда"),
            ("2026-05-08", "short", "Предпраздничный день (на час короче)"),
            ("2026-05-09", "holiday", "День Победы"),
            ("2026-05-11", "day_off", "День Победы (выходной)"),
            ("2026-06-11", "short", "Предпраздничный день (на час короче)"),
            ("2026-06-12", "holiday", "День России"),
            ("2026-11-03", "short", "Предпраздничный день (на час короче)"),
            ("2026-11-04", "holiday", "День народного единства"),
            ("2026-12-31", "day_off", "Выходной (перенесено с 04.01.2026)"),
        ],
    },
}


def seed(apps, schema_editor):
    CalendarYear = apps.get_model("deadlines", "CalendarYear")
    CalendarDay = apps.get_model("deadlines", "CalendarDay")
    for year, data in YEARS.items():
        row, created = CalendarYear.objects.get_or_create(
            year=year,
            defaults={
                "decree": data["decree"],
                "official_working_days": data["official_working_days"],
                "source": data["source"],
            },
        )
        if not created:
            continue
        CalendarDay.objects.bulk_create(
            CalendarDay(year=row, date=date, kind=kind, name=name)
            for date, kind, name in data["days"]
        )


def unseed(apps, schema_editor):
    apps.get_model("deadlines", "CalendarYear").objects.filter(year__in=YEARS).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
