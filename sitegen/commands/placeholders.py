"""What a new site still has from `sitegen init` and should not go live with.

`sitegen check` warns, until they are changed, about: the placeholder name, an address on a
domain kept for examples (example.org, anything.example...), the starter's sample contact
details, and the example review with its PDF. The sample values are read from the starter files
themselves (`sitegen/starter/`), so they are written down once.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlparse

import yaml

from sitegen.content.config import CONFIG_FILE, SiteConfig
from sitegen.core.problems import Problem, warning
from sitegen.commands.scaffold import DEFAULT_NAME, EXAMPLE_PDF, STARTER
from sitegen.rendering.site import Site

EXAMPLE_ENTRY = "content/reviews/example-adult-a.md"
# The domains kept for examples (RFC 2606), which the starter's settings use and no real site can
# have. (The .example ending is kept for examples too, but a demonstration site such as the
# sample's uses it on purpose, so it is not warned about.)
EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")
# UK telephone numbers Ofcom keeps for drama: no one answers them.
DRAMA_NUMBERS = ("01632960", "+441632960", "441632960")


@lru_cache(maxsize=1)
def starter_contact() -> dict[str, str]:
    """The contact details a new site's sitegen.yaml starts with."""
    settings = yaml.safe_load((STARTER / CONFIG_FILE).read_text(encoding="utf-8")) or {}
    return {key: str(value) for key, value in (settings.get("contact") or {}).items()}


def is_example_domain(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in EXAMPLE_DOMAINS)


def placeholder_problems(config: SiteConfig, site: Site) -> list[Problem]:
    """Warnings for what is still as `sitegen init` wrote it (or is an example address)."""
    found = []

    def warn(message: str, advice: str, field: str) -> None:
        found.append(warning(CONFIG_FILE, message, advice, field=field))

    if config.name == DEFAULT_NAME:
        warn(f"name is still the example \"{DEFAULT_NAME}\".", "Write your partnership's name after `name:`.", "name")
    host = urlparse(config.base_url).hostname or ""
    if is_example_domain(host):
        warn(f"base_url {config.base_url} is an example address, not your site's.",
             "Write the address your site will have on the web after `base_url:`, such as https://learning.yourpartnership.org.uk",
             "base_url")
    contact, sample = config.contact, starter_contact()
    email_domain = (contact.email or "").rpartition("@")[2]
    if contact.email and is_example_domain(email_domain):
        warn(f"contact: the email address {contact.email} is an example, so no one would get people's messages.",
             "Write your team's real address after `email:` under `contact:`.", "contact.email")
    if contact.phone and ("".join(contact.phone.split()).startswith(DRAMA_NUMBERS) or contact.phone == sample.get("phone")):
        warn(f"contact: the phone number {contact.phone} is a made-up one kept for examples.",
             "Write your team's real number after `phone:` under `contact:`, or remove the line.", "contact.phone")
    if contact.address and contact.address == sample.get("address"):
        warn(f"contact: the address \"{contact.address}\" is the example one.",
             "Write your team's real address after `address:` under `contact:`, or remove the line.", "contact.address")
    example = [p.entry.source for p in site.entries
               if p.entry.source == EXAMPLE_ENTRY or any(ref.file == EXAMPLE_PDF for ref in p.entry.documents)]
    if example:
        found.append(warning(example[0], "this is the example review that sitegen init wrote; it would be published "
                             "with your site.",
                             f"Delete {' and '.join(dict.fromkeys([*example, EXAMPLE_PDF]))} before the site goes live, "
                             "and add your own reports with `sitegen new`."))
    return found
