"""The import rule between apps, as an import-linter contract type.

An app may import another app only through that app's ``services``,
``selectors`` and ``schemas`` (its facade); the shared kernel (``core``) also
opens the public modules listed in the contract, and imports no app itself.
Apps are found, not listed: every sub-package of the root with an ``apps``
module, so a new app is covered the day it is created.
"""

from __future__ import annotations

from typing import cast

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


class FacadeContract(Contract):
    facades = fields.ListField(subfield=fields.StringField())
    kernel = fields.StringField()
    kernel_public = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        # The fields hold parsed option values once the contract is built.
        facades = cast("list[str]", self.facades)
        kernel = cast("str", self.kernel)
        kernel_public = cast("list[str]", self.kernel_public)
        root = self.session_options["root_packages"][0]
        apps = sorted(child for child in graph.find_children(root) if f"{child}.apps" in graph.modules)
        violations = []
        for importer in sorted(graph.modules):
            importer_app = _owner(importer, apps)
            if importer_app is None:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                imported_app = _owner(imported, apps)
                if imported_app is None or imported_app == importer_app or imported == imported_app:
                    continue
                facade = imported.removeprefix(imported_app + ".").split(".")[0]
                allowed = set(facades)
                if imported_app == kernel:
                    allowed |= set(kernel_public)
                if importer_app == kernel or facade not in allowed:
                    details = graph.get_import_details(importer=importer, imported=imported)
                    lines = ",".join(str(detail["line_number"]) for detail in details) or "?"
                    violations.append(f"{importer}:{lines} imports {imported}")
        return ContractCheck(kept=not violations, metadata={"violations": violations, "apps": apps})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Import only another app's services, selectors or schemas (core: its public modules):")
        for violation in check.metadata["violations"]:
            output.print_error(f"  {violation}", bold=False)


def _owner(module: str, apps: list[str]) -> str | None:
    for app in apps:
        if module == app or module.startswith(app + "."):
            return app
    return None
