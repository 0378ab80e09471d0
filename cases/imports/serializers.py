"""The import object of the REST contract (API.md "Bulk import")."""

from __future__ import annotations

from rest_framework import serializers

from cases.imports.models import SeizureImport
from cases.imports.selectors import percent_done


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Row number as a spreadsheet shows it (the header is row 1); 0: the file.")
    field = serializers.CharField(help_text="The column; empty for the row as a whole.")
    message = serializers.CharField()


class SeizureImportSerializer(serializers.ModelSerializer):
    # The contract's name; this serializer only answers (never validates), so its own `errors`
    # property is not used.
    errors = ImportErrorSerializer(  # type: ignore[assignment]
        many=True, read_only=True, help_text="The first 1,000 errors; see error_count."
    )
    created_by = serializers.CharField(source="created_by.full_name", read_only=True, allow_null=True, default=None)
    percent = serializers.SerializerMethodField(help_text="0-100, for a progress bar.")

    class Meta:
        model = SeizureImport
        fields = (
            "id",
            "status",
            "dry_run",
            "submit",
            "filename",
            "format",
            "phase",
            "rows",
            "processed",
            "percent",
            "created",
            "updated",
            "unchanged",
            "error_count",
            "errors",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        )
        read_only_fields = fields

    def get_percent(self, seizure_import: SeizureImport) -> int:
        return percent_done(seizure_import)


class SeizureImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8) in the layout of export.csv, or XLSX with the same columns.")
    dry_run = serializers.BooleanField(default=True, help_text="Check every row and save nothing.")
    submit = serializers.BooleanField(
        default=False, help_text="Submit the imported seizures (matching and lookouts; one summary alert per partner)."
    )
