"""What a document must say on paper in the issuer's country, and how each country writes an address.

Pure rules, table-driven; `pdf/views.py` applies them. Sources: AU GST Act s 29-70 and NZ GST Act s 19D
("tax invoice", the supplier's ABN / GST number), SG GST (General) Regulations ("tax invoice"), the EU VAT
Directive art. 226 (VAT identification numbers; the date of supply where it differs from the invoice date),
German UStG §14(4) and Austrian UStG §11 (the date of supply always), Swiss MWSTG art. 26 (the VAT number).
"""

from __future__ import annotations

from dataclasses import dataclass

from ledgerline.domain.countries import name as country_name

EU = frozenset({"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
                "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"})


@dataclass(frozen=True)
class DocumentRules:
    invoice_title: str  # "Tax invoice" where the law asks for those words
    tax_label: str  # the tax's name on the totals line and the column headings: GST, VAT, Tax
    tax_id_label: str  # printed before the seller's (or buyer's) tax id: ABN, VAT no., Tax ID
    supply_date_always: bool  # print the date of supply even when it is the issue date
    routing_code_label: str = "Routing code"  # the bank's branch code: BSB (AU), sort code (GB), ...


DEFAULT = DocumentRules("Invoice", "Tax", "Tax ID", supply_date_always=False)
_EU_VAT = DocumentRules("Invoice", "VAT", "VAT ID", supply_date_always=False)
_RULES: dict[str, DocumentRules] = {
    "AU": DocumentRules("Tax invoice", "GST", "ABN", supply_date_always=False, routing_code_label="BSB"),
    "NZ": DocumentRules("Tax invoice", "GST", "GST no.", supply_date_always=False),
    "SG": DocumentRules("Tax invoice", "GST", "GST reg. no.", supply_date_always=False),
    "IN": DocumentRules("Tax invoice", "GST", "GSTIN", supply_date_always=False),
    "CH": DocumentRules("Invoice", "VAT", "VAT no.", supply_date_always=False),
    "LI": DocumentRules("Invoice", "VAT", "VAT no.", supply_date_always=False),
    "GB": DocumentRules("Invoice", "VAT", "VAT reg. no.", supply_date_always=False,
                        routing_code_label="Sort code"),
    "ID": DocumentRules("Invoice", "VAT", "NPWP", supply_date_always=False),
    "US": DocumentRules("Invoice", "Sales tax", "Tax ID", supply_date_always=False,
                        routing_code_label="Routing number"),
    "DE": DocumentRules("Invoice", "VAT", "VAT ID", supply_date_always=True),
    "AT": DocumentRules("Invoice", "VAT", "VAT ID", supply_date_always=True),
}


def rules_for(country: str | None) -> DocumentRules:
    code = (country or "").upper()
    return _RULES.get(code) or (_EU_VAT if code in EU else DEFAULT)


# ------------------------------------------------------------------------------------- addresses

# How the locality line is written (and the lines around it), by country:
#   "city region postcode": AU, CA:          Sydney NSW 2000
#   "city, region postcode": US:             Springfield, IL 62704
#   "city / postcode": GB, IE (own lines):   London ⏎ SW1A 1AA
#   "city postcode": NZ, SG, ID, …:          Auckland 1010 (region on its own line)
#   "postcode city": continental Europe:     8001 Zürich (region on its own line)
_CITY_REGION_POSTCODE = frozenset({"AU", "CA"})
_CITY_COMMA_REGION_POSTCODE = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM"})
_CITY_THEN_POSTCODE = frozenset({"GB", "IE", "IM", "JE", "GG"})
_POSTCODE_CITY = EU - {"IE"} | frozenset({"CH", "LI", "NO", "IS", "MC", "SM", "AD", "VA", "RS", "BA", "ME", "MK",
                                          "AL", "MD", "UA", "TR", "RU", "BY", "GL", "FO", "AX"})


def address_lines(*, line1: str | None = None, line2: str | None = None, city: str | None = None,
                  region: str | None = None, postal_code: str | None = None, country: str | None = None,
                  home_country: str | None = None) -> list[str]:
    """An address as its country writes it, one line each. The country's name is added as the last line
    only when it is not `home_country` (the other party's country: a letter that crosses a border)."""
    code = (country or home_country or "").upper()

    def joined(*parts: str | None, sep: str = " ") -> str:
        return sep.join(part for part in parts if part)

    if code in _CITY_REGION_POSTCODE:
        locality = [joined(city, region, postal_code)]
    elif code in _CITY_COMMA_REGION_POSTCODE:
        locality = [joined(city, joined(region, postal_code), sep=", ")]
    elif code in _CITY_THEN_POSTCODE:
        locality = [joined(city), joined(region), joined(postal_code)]
    elif code in _POSTCODE_CITY:
        locality = [joined(postal_code, city), joined(region)]
    else:
        locality = [joined(city, postal_code), joined(region)]
    lines = [joined(line1), joined(line2), *locality]
    if country and country.upper() != (home_country or "").upper():
        lines.append(country_name(country))
    return [line for line in lines if line]
