"""Golden cases for how the rules generalize: miss kinds, item kinds, bill resolution, signals.

Written in the project's own words, in varied phrasing, before the rules they test were
tuned. Each general case carries the labels of ``../shared/eval`` (relevant, kind, companies,
jurisdiction, bill_ids, event) plus, where the item concerns a tracked law, ``bills`` (the
tracked law ids it must resolve to). ``bill_ids`` are the bills the item is about, written or
not (a bill named only by its title or sponsor still has a number). ``event`` is ``None``
where the reading is open. As in the team's other cases, a company the item does not name
("a camera maker") is not among its companies.

``SIGNALS``: headlines that say a tracked pledge was lifted, resumed, breached, narrowed,
extended, reaffirmed, expired or superseded, each with the pledge and the suggestion it must
become. ``ORDINARY``: news about the same companies that must never become a suggestion.
"""

from __future__ import annotations

from typing import Any

Case = dict[str, Any]

LEG, LIT, CO = "legislation", "litigation_or_report", "company_statement"


def _p(
    title: str,
    summary: str,
    kind: str,
    companies: tuple[str, ...] = (),
    *,
    event: str | None = None,
    jur: str | None = None,
    bill_ids: tuple[str, ...] = (),
    bills: tuple[str, ...] | None = None,
    published: str | None = None,
    group: str,
) -> Case:
    case: Case = {
        "title": title, "summary": summary, "relevant": True, "kind": kind,
        "companies": list(companies), "jurisdiction": jur, "bill_ids": list(bill_ids),
        "event": event, "published": published, "group": group,
    }
    if bills is not None:
        case["bills"] = list(bills)
    return case


def _n(
    title: str, summary: str, companies: tuple[str, ...] = (), *, group: str,
    published: str | None = None,
) -> Case:
    return {
        "title": title, "summary": summary, "relevant": False, "kind": "other",
        "companies": list(companies), "jurisdiction": None, "bill_ids": [], "event": "none",
        "published": published, "group": group,
    }


# 1. A company retiring or restricting its own face-analysis products.
RETIRING = "retiring"
_RETIRING: list[Case] = [
    _p("Microsoft retires AI tools that infer emotion from faces",
       "The company will remove Azure capabilities that guess age, gender and emotional state, "
       "saying the science behind them is unsettled.", CO, ("microsoft",),
       event="product_restriction", group=RETIRING),
    _p("Microsoft to phase out emotion detection in Azure Face",
       "New customers lose access at once; existing ones have a year before the attribute "
       "classifiers are switched off.", CO, ("microsoft",), group=RETIRING),
    _p("IBM pulls the plug on its facial analysis software",
       "The company said it will no longer develop or research the technology and opposes its "
       "use for mass surveillance.", CO, ("ibm",), event="product_exit", group=RETIRING),
    _p("Google Cloud declines to offer general-purpose face recognition API",
       "The company said it will not make the technology available until policy questions are "
       "worked out.", CO, ("google",), group=RETIRING),
    _p("Vendor discontinues face analysis features amid privacy concerns",
       "HireVue said its video interview platform no longer evaluates candidates' facial "
       "expressions.", CO, ("other",), group=RETIRING),
    _p("Meta deletes the face templates of a billion users as it ends its recognition system",
       "Facebook's automatic recognition of people in photos and videos is being switched off.",
       CO, ("meta",), event="product_exit", group=RETIRING),
    _p("Microsoft limits access to its face identification service",
       "Customers must now apply and describe their use case before they can use face "
       "identification and verification.", CO, ("microsoft",),
       event="product_restriction", group=RETIRING),
    _p("Amazon stops offering face-based emotion estimates in its vision service",
       "AWS said Rekognition will no longer return emotion attributes for detected faces.",
       CO, ("amazon",), group=RETIRING),
    _p("Company sunsets celebrity face search feature after criticism",
       "The photo platform removed the tool that let users identify public figures by face, "
       "citing the risk of misuse.", CO, (), group=RETIRING),
    _p("Facial analysis product withdrawn by its maker after bias audit",
       "The firm said it would wind down the software, which an audit found less accurate on "
       "darker-skinned women.", CO, (), group=RETIRING),
    _p("Microsoft restricts Azure Face to managed customers",
       "The move, part of its Responsible AI Standard, ends open access to face identification.",
       CO, ("microsoft",), event="product_restriction", group=RETIRING),
    _p("Axon says it will not put face matching on its body cameras",
       "The company followed the advice of its ethics board, which said the technology is not "
       "reliable enough.", CO, ("axon",), event="product_restriction", group=RETIRING),
    _p("Photo app maker removes face recognition from its service in Europe",
       "The company said it turned off the feature for EU users rather than seek consent.",
       CO, (), group=RETIRING),
    _p("Tech giant scraps gender and age classifiers from face service",
       "Microsoft said inferring such attributes from a face raises privacy questions.",
       CO, ("microsoft",), group=RETIRING),
    _p("Firm winds down face surveillance unit after ethics review",
       "Executives said the software for identifying people in crowds would not be sold to new "
       "clients.", CO, (), group=RETIRING),
]

# 2. An enforcement order that bans a company from using facial recognition.
ORDER = "enforcement_order"
_ORDER: list[Case] = [
    _p("FTC order bars drugstore chain from deploying face surveillance for five years",
       "The agency said the system wrongly flagged customers, many of them women and people of "
       "color.", LIT, (), event="fine_or_enforcement", group=ORDER),
    _p("Regulator prohibits supermarket from running face recognition on shoppers",
       "The data protection authority said the chain had no lawful basis for scanning "
       "customers at the door.", LIT, (), group=ORDER),
    _p("Italian privacy authority orders Clearview to erase data of Italians",
       "The Garante also barred the company from collecting more images of people in Italy.",
       LIT, ("clearview",), event="fine_or_enforcement", jur="IT", group=ORDER),
    _p("Retailer agrees to five-year ban on facial recognition under federal order",
       "The proposed order also requires the company to delete images gathered by the system.",
       LIT, (), group=ORDER),
    _p("Australian watchdog tells hardware chain to stop scanning faces",
       "The privacy commissioner found the retailer breached the Privacy Act by collecting "
       "faceprints of customers.", LIT, (), jur="AU", group=ORDER),
    _p("Greek data authority bans Clearview AI from processing Greeks' biometric data",
       "It also imposed a 20 million euro penalty.", LIT, ("clearview",), group=ORDER),
    _p("Spanish regulator orders rail operator to halt face scanning of passengers",
       "The agency said the pilot at stations lacked a legal basis.", LIT, (),
       group=ORDER),
    _p("CNIL orders Clearview to stop collecting photos of French residents",
       "The company has two months to comply or face further sanctions.", LIT,
       ("clearview",), jur="FR", group=ORDER),
    _p("Federal Trade Commission forbids photo app from using face recognition on users",
       "The settlement requires the developer to delete the models built from customers' "
       "photos.", LIT, (), group=ORDER),
    _p("UK regulator issues enforcement notice to leisure centres over face scans of staff",
       "The ICO ordered the operator to stop using biometric attendance checks.", LIT,
       (), jur="UK", group=ORDER),
]

# 3. A settlement over face grouping or photo tagging, without "facial recognition".
TAGGING = "tagging_settlement"
_TAGGING: list[Case] = [
    _p("Google to pay $100 million over face grouping in Photos",
       "The class action said the app grouped Illinois users' pictures by face without "
       "consent.", LIT, ("google",), event="settlement", jur="US-IL", group=TAGGING),
    _p("Facebook tag suggestions case ends in record privacy payout",
       "Illinois users will share $650 million under the Biometric Information Privacy Act.",
       LIT, ("meta",), event="settlement", group=TAGGING),
    _p("Photo storage app settles biometric privacy suit over face clustering",
       "Users said the service scanned their pictures to sort them by who appears in them.",
       LIT, (), event="settlement", group=TAGGING),
    _p("Judge approves deal over Google Photos face grouping feature",
       "Each eligible Illinois resident could receive about $400.", LIT, ("google",),
       event="settlement", group=TAGGING),
    _p("Shutterfly agrees to settle BIPA claims over photo tagging",
       "Plaintiffs said the site created face geometry scans when users tagged friends.", LIT,
       ("other",), event="settlement", group=TAGGING),
    _p("Snapchat parent settles Illinois suit over lenses that map users' faces",
       "The company denied wrongdoing but agreed to pay $35 million.", LIT, ("other",),
       event="settlement", group=TAGGING),
    _p("Meta's $650 million photo-tagging settlement wins final approval",
       "The judge called it one of the largest privacy settlements in US history.", LIT,
       ("meta",), event="settlement", group=TAGGING),
    _p("Video platform pays to resolve claims it scanned faces in uploads",
       "The settlement covers Illinois users whose faceprints were allegedly extracted.", LIT,
       (), event="settlement", group=TAGGING),
    _p("Apple settles lawsuit over photo library people-grouping feature",
       "The suit claimed the feature extracted biometric identifiers without written consent.",
       LIT, ("other",), event="settlement", group=TAGGING),
    _p("Tagging feature costs social network $90 million in Illinois settlement",
       "The company automatically suggested name tags by analysing faces in photos.", LIT,
       (), event="settlement", group=TAGGING),
]

# 4. A bill-text page whose title is only a bill number.
BILLPAGE = "bill_page"
_BILLPAGE: list[Case] = [
    _p("H.R. 3907", "Facial Recognition and Biometric Technology Moratorium Act of 2021. To "
       "prohibit biometric surveillance by the Federal Government without explicit statutory "
       "authorization.", LEG, jur="US-federal", bill_ids=("H.R.3907",), bills=("us-frbtma-117",),
       group=BILLPAGE),
    _p("S.681 - 118th Congress (2023-2024)", "Facial Recognition and Biometric Technology "
       "Moratorium Act of 2023: introduced in Senate, read twice and referred to the Committee "
       "on the Judiciary.", LEG, jur="US-federal", bill_ids=("S.681",), bills=("us-frbtma-118",),
       group=BILLPAGE),
    _p("SB 6280", "Concerning the use of facial recognition services by state and local "
       "government agencies.", LEG, jur="US-WA", bill_ids=("SB 6280",),
       bills=("wa-sb6280-2020",), published="2020-01-10", group=BILLPAGE),
    _p("AB 1215", "Law enforcement: facial recognition and other biometric surveillance.",
       LEG, jur="US-CA", bill_ids=("AB 1215",), bills=("ca-ab1215-2019",),
       published="2019-05-09", group=BILLPAGE),
    _p("H.R.7356", "To prohibit biometric surveillance by the Federal Government without "
       "explicit statutory authorization and to withhold certain Federal public safety grants "
       "from State and local governments that engage in biometric surveillance.", LEG,
       jur="US-federal", bill_ids=("H.R.7356",), bills=("us-frbtma-116",),
       published="2020-06-25", group=BILLPAGE),
    _p("LD 1585", "An Act To Increase Privacy and Security by Regulating the Use of Facial "
       "Surveillance Systems by Departments, Public Employees and Public Officials.", LEG,
       jur="US-ME", bill_ids=("LD 1585",), bills=("me-ld1585-2021",), group=BILLPAGE),
    _p("SB 741", "Facial recognition technology; authorized uses; penalty.", LEG,
       jur="US-VA", bill_ids=("SB 741",), bills=("va-sb741-2022",), published="2022-02-15",
       group=BILLPAGE),
    _p("H.R. 4695", "Facial Recognition Act of 2025: to limit the use of facial recognition "
       "technology by law enforcement agencies.", LEG, jur="US-federal",
       bill_ids=("H.R.4695",), bills=("us-facial-recognition-act-2025",), group=BILLPAGE),
    _p("S. 3284", "Ethical Use of Facial Recognition Act: a moratorium on federal use of "
       "facial recognition until Congress sets guidelines.", LEG, jur="US-federal",
       bill_ids=("S.3284",), bills=("us-ethical-use-fr-act-116",), group=BILLPAGE),
    _p("HB 2031", "Facial recognition technology; authorization of use by local law-enforcement "
       "agencies.", LEG, jur="US-VA", bill_ids=("HB 2031",), bills=("va-hb2031-2021",),
       published="2021-01-20", group=BILLPAGE),
    _p("SB 182", "Criminal Procedure - Facial Recognition Technology - Requirements, "
       "Procedures, and Prohibitions.", LEG, jur="US-MD", bill_ids=("SB 182",),
       bills=("md-sb182-2024",), published="2024-01-12", group=BILLPAGE),
]

# 5. A vendor refusing to build face recognition into police products.
REFUSAL = "vendor_refusal"
_REFUSAL: list[Case] = [
    _p("Body camera maker rules out face matching for police footage",
       "Axon said it would not add the capability to its cameras, citing accuracy and bias.",
       CO, ("axon",), event="product_restriction", group=REFUSAL),
    _p("Drone company says it will never add face identification to police drones",
       "The manufacturer said the feature would enable mass surveillance of protests.", CO,
       (), group=REFUSAL),
    _p("Dashcam vendor refuses police requests to build in face recognition",
       "The chief executive said the company would not ship the feature to law enforcement.",
       CO, (), group=REFUSAL),
    _p("Motorola Solutions won't add face recognition to its body-worn cameras",
       "The company said the technology is not ready for real-time use by officers.", CO,
       ("other",), group=REFUSAL),
    _p("Software firm turns down police contract for face surveillance tool",
       "Its founders said they would not build software to identify people from street "
       "cameras.", CO, (), group=REFUSAL),
    _p("Camera maker pledges not to sell face recognition to law enforcement",
       "The company said its doorbell and street cameras will not identify people for police.",
       CO, (), group=REFUSAL),
    _p("Police tech supplier declines to integrate face search into its records system",
       "The vendor said customers asked for the feature but it carries too much risk of "
       "misidentification.", CO, (), group=REFUSAL),
    _p("Startup says it will not license its face models for policing",
       "Its terms of service now forbid law enforcement use.", CO, (), group=REFUSAL),
    _p("Axon ethics board: no facial recognition on body cameras for now",
       "The company accepted the board's recommendation not to deploy face matching.", CO,
       ("axon",), group=REFUSAL),
    _p("Microsoft turned down a California police request to install face recognition",
       "Brad Smith said the company refused over human rights concerns.", CO,
       ("microsoft",), group=REFUSAL),
]

# 6. False alarms: deployment stories that merely mention a law.
MENTION = "law_mention"
_MENTION: list[Case] = [
    _n("Airport expands face boarding to twelve more gates",
       "Travelers can opt out, as the law requires, by showing a boarding pass at the podium.",
       group=MENTION),
    _n("Stadium adds face scanning at entrances for season ticket holders",
       "The team said the system complies with state privacy law and deletes images after the "
       "game.", group=MENTION),
    _n("Casino installs facial recognition to spot banned gamblers",
       "Operators say the cameras meet gaming regulations and help enforce self-exclusion "
       "lists.", group=MENTION),
    _n("Supermarket chain rolls out face scanning checkouts in three states",
       "The retailer said shoppers must consent, in line with biometric privacy laws.",
       group=MENTION),
    _n("Hotel group deploys facial recognition check-in kiosks",
       "Guests enroll with a selfie; the company says it follows data protection laws.",
       group=MENTION),
    _n("Festival organizers install face cameras at the gates",
       "Organizers said signs inform visitors as the law demands.", group=MENTION),
    _n("Cruise line uses facial recognition to speed boarding",
       "Passengers upload a photo before departure; the company cites federal rules on "
       "identity checks.", group=MENTION),
    _n("Arena's new face entry lanes open for concertgoers",
       "The venue said the program is voluntary and compliant with the state's privacy statute.",
       group=MENTION),
    _n("Retailer installs face cameras at store entrances to deter theft",
       "The company said it posts notices in each store as local ordinances require.",
       group=MENTION),
    _n("Theme park starts face scanning for annual pass holders",
       "The park said the system meets privacy regulations and images are kept for 30 days.",
       group=MENTION),
    _n("Bank rolls out face verification for mobile app sign-in",
       "The lender said the feature complies with banking regulations.", group=MENTION),
    _n("Gym chain launches face check-in at its clubs",
       "Members can choose a key fob instead, as state law requires.", group=MENTION),
    _n("Airline brings facial recognition bag drop to its hub",
       "Customers can opt out; the carrier says it follows TSA rules.", group=MENTION),
    _n("Ski resort deploys face scanning lift gates",
       "The resort says it complies with the European data protection law.", group=MENTION),
    _n("School district installs face cameras at building entrances",
       "Officials said the deployment follows the state's guidance on student data.",
       group=MENTION),
]

# 7. Item kinds: company statements, legislation, litigation and reports.
KINDS = "kinds"
_KINDS: list[Case] = [
    _p("Microsoft president calls for federal law on facial recognition",
       "Brad Smith said Congress should set rules before the technology spreads further.", CO,
       ("microsoft",), event="lobbying", group=KINDS),
    _p("Amazon proposes guidelines for lawmakers on facial recognition",
       "The company published suggested rules it says Congress could adopt.", CO,
       ("amazon",), group=KINDS),
    _p("Google says it supports a moratorium on police face recognition",
       "Kent Walker said the company backs pausing law enforcement use until rules exist.", CO,
       ("google",), group=KINDS),
    _p("IBM urges Congress to regulate facial recognition",
       "In a letter, Arvind Krishna said the company opposes the technology's use for racial "
       "profiling.", CO, ("ibm",), group=KINDS),
    _p("Clearview AI says it will stop selling to private companies",
       "The company will limit its face search database to government agencies.", CO,
       ("clearview",), group=KINDS),
    _p("Amazon shareholders reject proposal to curb Rekognition sales to government",
       "The proposals asked the board to study civil rights risks of the software.", CO,
       ("amazon",), event="shareholder_vote", group=KINDS),
    _p("Microsoft bars US police departments from Azure OpenAI face identification",
       "Updated terms forbid police use of the service for facial recognition.", CO,
       ("microsoft",), event="product_restriction", group=KINDS),
    _p("Clearview AI announces it will no longer offer its app to police in Canada",
       "The company ended its contract with the RCMP during a privacy investigation.", CO,
       ("clearview",), jur="CA", group=KINDS),
    _p("State senate approves limits on police facial recognition",
       "The Michigan bill now goes to the House.", LEG, event="bill_passed_chamber",
       jur="US-MI", group=KINDS),
    _p("Council members propose ordinance to ban face surveillance",
       "The Chicago proposal would forbid city agencies from acquiring the technology.", LEG,
       event="bill_introduced", jur="US-IL-Chicago", group=KINDS),
    _p("Parliament committee backs ban on live facial recognition in public spaces",
       "Members of the European Parliament voted to extend the prohibition.", LEG,
       jur="EU", group=KINDS),
    _p("Governor vetoes bill limiting police facial recognition",
       "She said the measure would hamper investigations.", LEG, event="bill_vetoed",
       group=KINDS),
    _p("Police union sues city over facial recognition ban",
       "The lawsuit argues the ordinance conflicts with state law.", LIT, event="lawsuit",
       group=KINDS),
    _p("ACLU files suit seeking records on FBI face searches",
       "The complaint says the bureau has not answered a request filed two years ago.", LIT,
       event="lawsuit", jur="US-federal", group=KINDS),
    _p("Court tosses lawsuit over airport face scans",
       "The judge said the travellers lacked standing.", LIT, event="ruling", group=KINDS),
    _p("Judge rules police need warrant to run face searches on protest photos",
       "The decision applies to the state's largest police department.", LIT, event="ruling",
       group=KINDS),
    _p("Audit finds state police ran thousands of face searches without oversight",
       "The auditor recommended a written policy and training.", LIT, event="report",
       group=KINDS),
    _p("GAO report: federal agencies do not track employees' use of facial recognition",
       "Thirteen agencies did not know which non-federal systems staff used.", LIT,
       event="report", jur="US-federal", group=KINDS),
    _p("Civil rights commission report calls for limits on facial recognition",
       "The US Commission on Civil Rights found federal agencies lack testing standards.", LIT,
       group=KINDS),
    _p("Study commissioned by lawmakers finds face recognition errors higher for Black women",
       "The state-commissioned report urges a moratorium until accuracy improves.", LIT,
       group=KINDS),
    _p("Inspector general faults immigration agency's use of face search tools",
       "The watchdog said the agency lacked privacy assessments.", LIT, event="report",
       group=KINDS),
    _p("NIST report finds demographic differences in face recognition algorithms",
       "The evaluation tested 189 algorithms from 99 developers.", LIT, event="report",
       group=KINDS),
    _p("Privacy regulator opens investigation into police use of Clearview",
       "The commissioner will examine whether the force had a legal basis.", LIT,
       ("clearview",), event="investigation", group=KINDS),
    _p("Man wrongly arrested after face match settles with police department",
       "The city agreed to change its policy and pay damages.", LIT, event="settlement",
       group=KINDS),
    _p("Amazon faces lawsuit claiming store cameras collected shoppers' face data",
       "The New York City suit invokes the city's biometric identifier law.", LIT,
       ("amazon",), event="lawsuit", group=KINDS),
    _p("Clearview AI loses appeal against UK privacy fine",
       "The tribunal ruled the regulator had jurisdiction.", LIT, ("clearview",),
       event="ruling", jur="UK", group=KINDS),
    _p("Meta sued by state attorney general over facial data",
       "The complaint seeks penalties under the state's biometric privacy law.", LIT,
       ("meta",), event="lawsuit", group=KINDS),
    _p("Report: police used facial recognition on protesters despite city limits",
       "Records show officers ran dozens of searches during demonstrations.", LIT,
       group=KINDS),
]

# 8. Bills resolved by name, sponsor or city, without their numbers.
BYNAME = "bill_by_name"
_BYNAME: list[Case] = [
    _p("Joe Nguyen's facial-recognition bill heads to governor",
       "The Washington legislature gave final approval to the state senator's measure.", LEG,
       event="bill_passed", jur="US-WA", bill_ids=("SB 6280",), bills=("wa-sb6280-2020",),
       published="2020-03-12", group=BYNAME),
    _p("Inslee signs Sen. Nguyen's face recognition rules",
       "Agencies must test services for bias and get warrants for ongoing surveillance.", LEG,
       event="bill_signed", jur="US-WA", bill_ids=("SB 6280",), bills=("wa-sb6280-2020",),
       published="2020-03-31", group=BYNAME),
    _p("California's Body Camera Accountability Act signed into law",
       "The three-year moratorium bars police from running face recognition on body camera "
       "footage.", LEG, event="bill_signed", jur="US-CA", bill_ids=("AB 1215",),
       bills=("ca-ab1215-2019",), published="2019-10-09", group=BYNAME),
    _p("California body camera face recognition ban expires",
       "Police can again use the technology on body-worn camera footage after the moratorium "
       "lapsed.", LEG, event="moratorium_expired", jur="US-CA", bill_ids=("AB 1215",),
       bills=("ca-ab1215-2019",), published="2023-01-03", group=BYNAME),
    _p("Phil Ting's bill to ban facial recognition on police bodycams passes Senate",
       "The measure now returns to the Assembly for concurrence.", LEG, jur="US-CA",
       bill_ids=("AB 1215",), bills=("ca-ab1215-2019",), published="2019-09-11", group=BYNAME),
    _p("Maine's facial surveillance law takes effect",
       "Maine's law, among the strongest in the country, limits how officials may use the "
       "technology.", LEG, event="law_enacted", jur="US-ME", bill_ids=("LD 1585",),
       bills=("me-ld1585-2021",), published="2021-10-18", group=BYNAME),
    _p("Rep. Lookner's facial surveillance bill clears Maine legislature",
       "The bill bars most uses of facial recognition by state and local officials.", LEG,
       jur="US-ME", bill_ids=("LD 1585",), bills=("me-ld1585-2021",), published="2021-06-17",
       group=BYNAME),
    _p("Surovell's facial recognition bill lets Virginia police use the technology again",
       "The measure replaces last year's ban with rules for local police.", LEG,
       jur="US-VA", bill_ids=("SB 741",), bills=("va-sb741-2022",), published="2022-03-10",
       group=BYNAME),
    _p("Montana's Facial Recognition for Government Use Act signed",
       "Gianforte signed the measure limiting state and local use.", LEG,
       event="bill_signed", jur="US-MT", bill_ids=("SB 397",), bills=("mt-sb397-2023",),
       published="2023-05-19", group=BYNAME),
    _p("Markey and Merkley reintroduce facial recognition moratorium bill",
       "The Facial Recognition and Biometric Technology Moratorium Act would halt federal use "
       "of the technology.", LEG, event="bill_introduced", jur="US-federal",
       bill_ids=("H.R.3907", "S.2052"), bills=("us-frbtma-117",), published="2021-06-15",
       group=BYNAME),
    _p("Jayapal and Markey bring back bill banning government facial recognition",
       "The lawmakers reintroduced their moratorium act with new cosponsors.", LEG,
       event="bill_introduced", jur="US-federal", bill_ids=("H.R.1404", "S.681"),
       bills=("us-frbtma-118",), published="2023-03-07", group=BYNAME),
    _p("Vermont's police facial recognition moratorium becomes law",
       "The state's ban was part of a broader police reform bill signed by Gov. Phil Scott.",
       LEG, event="law_enacted", jur="US-VT", bill_ids=("S 124",), bills=("vt-s124-2020",),
       published="2020-10-08", group=BYNAME),
    _p("San Francisco's Stop Secret Surveillance Ordinance passes",
       "Supervisors voted 8-1 to ban city departments from using facial recognition.", LEG,
       event="ban_passed", jur="US-CA-San Francisco",
       bills=("sf-stop-secret-surveillance-2019",), published="2019-05-14", group=BYNAME),
    _p("Boston bans city use of facial recognition",
       "The Boston City Council voted unanimously for the ordinance sponsored by Councilors "
       "Wu and Arroyo.", LEG, event="ban_passed", jur="US-MA-Boston",
       bills=("boston-ma-2020",), published="2020-06-24", group=BYNAME),
    _p("New Orleans council reverses its facial recognition ban",
       "Members voted 4-2 to let police use the technology for violent crimes.", LEG,
       event="repeal", jur="US-LA-New Orleans", bills=("new-orleans-la-2020-2022",),
       published="2022-07-21", group=BYNAME),
    _p("King County becomes first US county to ban facial recognition",
       "The council unanimously barred county agencies, including the sheriff, from using it.",
       LEG, event="ban_passed", jur="US-WA-King County", bills=("king-county-wa-2021",),
       published="2021-06-01", group=BYNAME),
    _p("Minneapolis City Council votes to ban facial recognition technology",
       "The ordinance covers all city departments, including police.", LEG,
       event="ban_passed", jur="US-MN-Minneapolis", bills=("minneapolis-mn-2021",),
       published="2021-02-12", group=BYNAME),
    _p("Colorado's facial recognition task force law signed",
       "Gov. Polis signed the measure creating a task force and limiting state agencies.",
       LEG, event="bill_signed", jur="US-CO", bill_ids=("SB 22-113",),
       bills=("co-sb22-113-2022",), published="2022-06-08", group=BYNAME),
    _p("New York bans facial recognition in schools after Lockport controversy",
       "The moratorium on biometric identifying technology in schools was signed by the "
       "governor.", LEG, event="bill_signed", jur="US-NY", bill_ids=("A 6787", "S 5140"),
       bills=("ny-schools-biometric-moratorium-2020",), published="2020-12-22", group=BYNAME),
    _p("Detroit police adopt new facial recognition rules in Williams settlement",
       "The settlement of Robert Williams's lawsuit bars arrests based on a face match alone.",
       LIT, event="settlement", jur="US-MI-Detroit",
       bills=("detroit-mi-williams-settlement-2024",), published="2024-06-28", group=BYNAME),
    _p("Justice in Policing Act would bar face recognition on federal body cameras",
       "The George Floyd Justice in Policing Act passed the House.", LEG,
       jur="US-federal", bill_ids=("H.R.7120",), bills=("us-gfjpa-116",),
       published="2020-06-25", group=BYNAME),
    _p("Portland, Maine voters approve ban on facial recognition",
       "The ballot measure strengthens the city's 2020 ordinance.", LEG, event="ban_passed",
       jur="US-ME-Portland", bills=("portland-me-2020",), published="2020-11-04",
       group=BYNAME),
]

# 9. The exact Congress when the item says which.
CONGRESS = "by_congress"
_CONGRESS: list[Case] = [
    _p("Facial Recognition and Biometric Technology Moratorium Act of 2021 introduced",
       "The bill would ban federal use of facial recognition.", LEG, event="bill_introduced",
       jur="US-federal", bill_ids=("H.R.3907", "S.2052"), bills=("us-frbtma-117",),
       group=CONGRESS),
    _p("117_HR_3907: Facial Recognition and Biometric Technology Moratorium Act",
       "Status: expired at the end of the Congress.", LEG, jur="US-federal",
       bill_ids=("H.R.3907",), bills=("us-frbtma-117",), group=CONGRESS),
    _p("What the Facial Recognition and Biometric Technology Moratorium Act of 2020 would do",
       "The bill would prohibit federal agencies from using biometric surveillance.", LEG,
       jur="US-federal", bill_ids=("H.R.7356", "S.4084"), bills=("us-frbtma-116",),
       group=CONGRESS),
    _p("Moratorium act returns in the 118th Congress",
       "Sponsors reintroduced the Facial Recognition and Biometric Technology Moratorium Act.",
       LEG, jur="US-federal", bill_ids=("H.R.1404", "S.681"), bills=("us-frbtma-118",),
       group=CONGRESS),
    _p("118_S_681 Facial Recognition and Biometric Technology Moratorium Act of 2023",
       "Read twice and referred to the Committee on the Judiciary.", LEG, jur="US-federal",
       bill_ids=("S.681",), bills=("us-frbtma-118",), group=CONGRESS),
    _p("George Floyd Justice in Policing Act of 2021 passes House",
       "The bill includes limits on facial recognition in police body cameras.", LEG,
       event="bill_passed_chamber", jur="US-federal", bill_ids=("H.R.1280",),
       bills=("us-gfjpa-117",), group=CONGRESS),
    _p("116th Congress: Facial Recognition and Biometric Technology Moratorium Act",
       "Introduced in both chambers in June 2020; no further action.", LEG,
       jur="US-federal", bill_ids=("H.R.7356", "S.4084"), bills=("us-frbtma-116",),
       group=CONGRESS),
    _p("H.R.3907 (117th): Facial Recognition and Biometric Technology Moratorium Act of 2021",
       "Referred to the House Judiciary Committee.", LEG, jur="US-federal",
       bill_ids=("H.R.3907",), bills=("us-frbtma-117",), group=CONGRESS),
    _p("Senators back 2023 version of facial recognition moratorium bill",
       "The Facial Recognition and Biometric Technology Moratorium Act of 2023 has five "
       "cosponsors.", LEG, jur="US-federal", bill_ids=("H.R.1404", "S.681"),
       bills=("us-frbtma-118",), group=CONGRESS),
    _p("BILLS-117s2052is: Facial Recognition and Biometric Technology Moratorium Act",
       "A bill to prohibit biometric surveillance by the Federal Government.", LEG,
       jur="US-federal", bill_ids=("S.2052",), bills=("us-frbtma-117",), group=CONGRESS),
]

# 10. Hard negatives: the tracked companies' other news, other senses of the words.
OTHER_NEG = "other_negative"
_OTHER_NEG: list[Case] = [
    _n("Amazon opens new fulfillment center, adding 1,000 jobs",
       "The warehouse will use robots to sort packages.", ("amazon",), group=OTHER_NEG),
    _n("Microsoft reports record cloud revenue as Azure grows 30%",
       "Analysts credited demand for AI services.", ("microsoft",), group=OTHER_NEG),
    _n("IBM unveils new mainframe with on-chip AI accelerator",
       "The z-series machine targets fraud detection for banks.", ("ibm",), group=OTHER_NEG),
    _n("Google announces new Pixel with improved camera",
       "The phone's night mode now works on video.", ("google",), group=OTHER_NEG),
    _n("Meta launches new VR headset at lower price",
       "The device ships next month.", ("meta",), group=OTHER_NEG),
    _n("Axon reports strong quarter on Taser and body camera sales",
       "Revenue rose 27% as agencies upgraded devices.", ("axon",), group=OTHER_NEG),
    _n("Senate passes stopgap bill to avert government shutdown",
       "The measure funds agencies through December.", group=OTHER_NEG),
    _n("City council bans gas leaf blowers",
       "The ordinance takes effect next year.", group=OTHER_NEG),
    _n("Actor wins recognition at film festival for debut role",
       "Critics praised her performance.", group=OTHER_NEG),
    _n("Face masks no longer required on city buses",
       "The transit authority lifted the rule on Monday.", group=OTHER_NEG),
    _n("New facial cleanser promises clearer skin in a week",
       "Dermatologists are skeptical.", group=OTHER_NEG),
    _n("Researchers train AI to recognize bird songs",
       "The model identifies 300 species.", group=OTHER_NEG),
    _n("Company lifts moratorium on hiring after strong quarter",
       "The freeze had been in place since spring.", group=OTHER_NEG),
    _n("Governor extends eviction moratorium through summer",
       "Tenants behind on rent remain protected.", group=OTHER_NEG),
    _n("Clearview AI names new chief executive",
       "The company also announced a new board member.", ("clearview",), group=OTHER_NEG),
    _n("Facial recognition market expected to double by 2030",
       "A new research report forecasts strong growth in Asia.", group=OTHER_NEG),
    _n("Phone maker adds face unlock that works with sunglasses",
       "The feature uses an infrared sensor.", (), group=OTHER_NEG),
    _n("Recognition program honors teachers of the year",
       "Ten educators received awards.", group=OTHER_NEG),
    _n("Amazon resumes sales of its smart speaker after recall",
       "The company fixed an overheating issue.", ("amazon",), group=OTHER_NEG),
    _n("Microsoft extends support for Windows 10 by one year",
       "Businesses can pay for security updates.", ("microsoft",), group=OTHER_NEG),
]

GENERAL: list[Case] = [
    *_RETIRING, *_ORDER, *_TAGGING, *_BILLPAGE, *_REFUSAL, *_MENTION, *_KINDS, *_BYNAME,
    *_CONGRESS, *_OTHER_NEG,
]

AMZ = "amazon-rekognition-police-moratorium"
MSFT = "microsoft-us-police-fr-sales-pledge"
IBM = "ibm-2020-general-purpose-fr-exit"
GOOG = "google-cloud-no-general-purpose-fr-api"
AXON = "axon-no-face-matching-on-body-cameras"
META = "meta-facebook-face-recognition-shutdown"
CLV = "clearview-aclu-bipa-settlement"


def _s(title: str, summary: str, pledge: str, status: str) -> Case:
    return {"title": title, "summary": summary, "pledge": pledge, "status": status}


# Pledge signals: (headline, lead, pledge, suggested status).
SIGNALS: list[Case] = [
    # Lifted.
    _s("Amazon lifts its moratorium on police use of Rekognition",
       "The company said police departments can again license the software.", AMZ, "lifted"),
    _s("Amazon ends its pause on selling facial recognition to police",
       "AWS said the moratorium is over.", AMZ, "lifted"),
    _s("Microsoft drops its ban on selling face recognition to police",
       "The company said it would now consider law enforcement customers.", MSFT, "lifted"),
    _s("IBM reverses course and will offer facial recognition again",
       "The company is returning to the market it left in 2020.", IBM, "lifted"),
    _s("Google scraps its policy against offering a face recognition API",
       "Cloud customers can now request general-purpose face matching.", GOOG, "lifted"),
    _s("Axon abandons its refusal to add face matching to body cameras",
       "The company plans to add real-time identification.", AXON, "lifted"),
    _s("Amazon's facial recognition moratorium is over",
       "The company quietly removed the restriction on police customers.", AMZ, "lifted"),
    _s("Microsoft lifts its face recognition restrictions for US police",
       "Police departments may again buy Azure Face.", MSFT, "lifted"),
    # Resumed.
    _s("Amazon will resume selling Rekognition to police",
       "The company said demand from law enforcement had grown.", AMZ, "lifted"),
    _s("IBM to resume sales of face recognition software",
       "Two years after its exit, the company is back.", IBM, "lifted"),
    _s("Microsoft resumes face recognition sales to police departments",
       "A spokesperson confirmed the change.", MSFT, "lifted"),
    _s("Amazon restarts Rekognition sales to law enforcement",
       "Police agencies can sign up again.", AMZ, "lifted"),
    _s("Google is once again offering face recognition to cloud customers",
       "The company had declined to sell it since 2018.", GOOG, "lifted"),
    _s("Axon to start selling body cameras with face recognition",
       "The company will bring face matching to its cameras next year.", AXON, "lifted"),
    # Breached.
    _s("Report: Amazon sold Rekognition to police despite its moratorium",
       "Records show at least one sheriff's office used the software last year.", AMZ,
       "reversed_or_disputed"),
    _s("Microsoft broke its pledge not to sell face recognition to police, documents show",
       "Emails show a police department had access to Azure Face.", MSFT,
       "reversed_or_disputed"),
    _s("IBM supplied face recognition to police after its exit, investigation finds",
       "The company signed a contract with a national police force.", IBM,
       "reversed_or_disputed"),
    _s("Police used Rekognition in breach of Amazon's moratorium",
       "The department said it had kept its account active.", AMZ, "reversed_or_disputed"),
    _s("Clearview AI violated its settlement by selling to private firms, lawsuit says",
       "Plaintiffs say the company kept offering its database to businesses.", CLV,
       "reversed_or_disputed"),
    _s("Meta quietly brings back facial recognition on Facebook",
       "The company is using face matching again to fight scam ads.", META,
       "reversed_or_disputed"),
    _s("Amazon violated its police moratorium, watchdog says",
       "A federal agency continued to use Rekognition.", AMZ, "reversed_or_disputed"),
    # Narrowed.
    _s("Amazon narrows its Rekognition moratorium to exclude federal agencies",
       "The pause now covers only local police departments.", AMZ, "reversed_or_disputed"),
    _s("Microsoft's face recognition pledge applies only to US police, company clarifies",
       "Sales to police abroad and to federal agencies are not covered.", MSFT,
       "reversed_or_disputed"),
    _s("IBM's facial recognition exit covers only general-purpose products",
       "The company keeps selling custom face matching to governments.", IBM,
       "reversed_or_disputed"),
    _s("Amazon carves out exceptions to its moratorium on police use",
       "Agencies fighting trafficking may continue to use Rekognition.", AMZ,
       "reversed_or_disputed"),
    _s("Google weakens its stance on face recognition sales",
       "The company now allows some government customers.", GOOG, "reversed_or_disputed"),
    _s("Axon loosens its ban on face matching for body camera footage",
       "Recorded video may now be searched after the fact.", AXON, "reversed_or_disputed"),
    # Extended.
    _s("Amazon extends its Rekognition police ban indefinitely",
       "The moratorium will stay in place until further notice.", AMZ, "extended"),
    _s("Amazon prolongs moratorium on police use of facial recognition",
       "The one-year pause has been extended.", AMZ, "extended"),
    _s("Amazon's police moratorium on Rekognition to continue",
       "The company will keep the pause in place for another year.", AMZ, "extended"),
    _s("Microsoft extends its ban on selling face recognition to police",
       "The restriction now also covers police outside the US.", MSFT, "extended"),
    # Reaffirmed.
    _s("Microsoft reaffirms it will not sell facial recognition to police",
       "Brad Smith said the company's position has not changed.", MSFT, "conditional"),
    _s("IBM stands by its decision to exit facial recognition",
       "The company said it has no plans to return to the market.", IBM, "active"),
    _s("Amazon says its moratorium on police use of Rekognition remains in place",
       "A spokesperson said the pause still applies.", AMZ, "extended"),
    _s("Google recommits to not selling general-purpose face recognition",
       "Its policy on face matching APIs is unchanged, the company said.", GOOG, "active"),
    _s("Axon reaffirms no face matching on its body cameras",
       "The chief executive said the company is sticking to its ethics board's advice.", AXON,
       "active"),
    _s("Microsoft renews commitment not to sell face recognition to US police",
       "The company repeated its call for a national law.", MSFT, "conditional"),
    # Expired.
    _s("Amazon's one-year Rekognition moratorium expires",
       "The pause on police use of the software has run out.", AMZ, "expired"),
    _s("Microsoft's pledge on face recognition sales to police lapses",
       "The company let its restriction end without announcement.", MSFT, "expired"),
    # Superseded.
    _s("New federal law supersedes Microsoft's pledge on police face recognition",
       "Congress passed national rules, which Microsoft said replace its own restriction.",
       MSFT, "superseded"),
    _s("Amazon says national law now governs police use of Rekognition, replacing its moratorium",
       "The company said its own pause is no longer needed.", AMZ, "superseded"),
    _s("State ban makes IBM's face recognition pledge moot",
       "A law now forbids the sales IBM had already stopped, superseding its pledge.", IBM,
       "superseded"),
]

# Ordinary news about the tracked companies: never a suggestion.
ORDINARY: list[Case] = [
    {"title": t, "summary": s} for t, s in [
        ("Amazon lifts its hiring freeze in retail", "The company will add seasonal staff."),
        ("Amazon resumes Prime Day after a year off", "The event returns in July."),
        ("Microsoft extends Windows 10 support", "Businesses can buy updates for three years."),
        ("IBM reaffirms its full-year revenue forecast", "Software sales grew 8%."),
        ("Google ends its work-from-home policy", "Staff must return three days a week."),
        ("Amazon resumes drone deliveries in Texas", "The service had paused for repairs."),
        ("Microsoft breaks ground on new data center", "The site will cost $1 billion."),
        ("Meta reverses its decision on political ads", "Advertisers can target by region."),
        ("Axon extends its body camera warranty", "Agencies get five years of coverage."),
        ("Clearview AI appoints new general counsel", "She joins from a law firm."),
        ("Amazon Web Services outage disrupts websites", "Service was restored by evening."),
        ("IBM to sell its weather unit", "The buyer was not disclosed."),
        ("Google pauses Gemini image generation of people", "The company will improve it."),
        ("Microsoft lifts ban on employees using ChatGPT", "Staff may use it for coding."),
        ("Amazon ends its smile charity program", "The donations scheme closes in February."),
        ("Meta resumes AI training on European posts", "Regulators raised no objection."),
        ("Amazon narrows its forecast for the holiday quarter",
         "Sales growth will slow, it said."),
        ("Microsoft's Teams breach exposes government emails",
         "Hackers stole a signing key."),
        ("Amazon extends its moratorium on new warehouse leases",
         "The pause lasts until demand recovers."),
        ("IBM lifts its dividend for the 29th year", "The payout rises 1%."),
        ("Google stands by its search results in antitrust trial", "Lawyers made closing "
         "arguments."),
        ("Amazon recommits to net-zero carbon by 2040", "The company bought more wind power."),
        ("Microsoft resumes hiring in its gaming division", "The freeze ended."),
        ("Axon to resume Taser shipments after parts shortage", "Orders will be filled."),
        ("Meta's Threads reaches 200 million users", "Growth slowed in the summer."),
        ("Amazon's Ring ends police video request tool",
         "Police can no longer ask users for doorbell footage in the app."),
        ("Clearview AI raises new funding round", "Investors valued the firm at $225 million."),
        ("Google extends Chrome cookie deadline", "Third-party cookies stay another year."),
        ("City council extends its moratorium on new gas stations",
         "The pause now runs until 2026."),
        ("State lifts face mask rule in hospitals", "Visitors no longer need masks."),
    ]
]

# Written after the rules above were tuned, and scored once before any further change: an
# estimate of how the rules do on wording they were not tuned on.
BLIND = "blind"
BLIND_CASES: list[Case] = [
    _p("Microsoft will stop selling software that guesses a person's mood from their face",
       "The company said the feature will be gone from its cloud service by next summer.", CO,
       ("microsoft",), group=BLIND),
    _p("Software maker kills its face analysis product after civil rights complaints",
       "The company said no new contracts would be signed.", CO, group=BLIND),
    _p("IBM exits face recognition business, citing racial profiling concerns",
       "Arvind Krishna wrote to members of Congress.", CO, ("ibm",), group=BLIND),
    _p("Amazon restricts Rekognition's face search for public sector customers",
       "Government users will need approval to run searches.", CO, ("amazon",), group=BLIND),
    _p("Regulator orders gym operator to stop fingerprinting and face scanning staff",
       "The commissioner said workers could not freely refuse.", LIT, group=BLIND),
    _p("Trade commission bans security camera company from selling face identification",
       "The order follows complaints that the firm's system misidentified shoppers.", LIT,
       group=BLIND),
    _p("Dutch watchdog fines Clearview and orders it to stop processing Dutch faces",
       "The penalty is 30.5 million euros.", LIT, ("clearview",), jur="NL", group=BLIND),
    _p("Data protection board forbids school from using face scans for attendance",
       "The authority said consent from pupils was not freely given.", LIT, group=BLIND),
    _p("Photo sharing site agrees to pay $20 million over automatic friend tagging",
       "Illinois users had sued under the state's biometric privacy law.", LIT,
       event="settlement", group=BLIND),
    _p("Class members to get checks in settlement over photo app's face grouping",
       "The judge granted final approval to the Illinois deal.", LIT, event="settlement",
       group=BLIND),
    _p("Tech company settles claims that its tagging tool scanned users' faces",
       "The settlement covers residents of Illinois.", LIT, event="settlement", group=BLIND),
    _p("S. 2052", "A bill to prohibit biometric surveillance by the Federal Government without "
       "explicit statutory authorization. 117th Congress.", LEG, jur="US-federal",
       bill_ids=("S.2052",), bills=("us-frbtma-117",), group=BLIND),
    _p("H.R.1404 — 118th Congress", "Facial Recognition and Biometric Technology Moratorium "
       "Act of 2023.", LEG, jur="US-federal", bill_ids=("H.R.1404",),
       bills=("us-frbtma-118",), group=BLIND),
    _p("LD 1585: An Act to Increase Privacy and Security", "Regulating the use of facial "
       "surveillance systems by public employees.", LEG, jur="US-ME",
       bill_ids=("LD 1585",), bills=("me-ld1585-2021",), group=BLIND),
    _p("Body camera supplier says face recognition stays out of its products",
       "The company told police customers it would not add the feature.", CO, group=BLIND),
    _p("Police drone maker refuses to add face identification",
       "The firm said it will not build tools that identify people from the air.", CO,
       group=BLIND),
    _p("Axon: face recognition will not be added to body-worn cameras",
       "The company said the technology is not accurate enough for field use.", CO,
       ("axon",), group=BLIND),
    _n("Mall adds face recognition cameras, says it follows state privacy law",
       "Shoppers are told by signs at each entrance.", group=BLIND),
    _n("Airport face boarding expands; airline says program meets federal rules",
       "Travelers may opt out at the gate.", group=BLIND),
    _n("Concert venue installs face entry in compliance with state biometric law",
       "Fans can use paper tickets instead.", group=BLIND),
    _n("Hospital rolls out face check-in for patients, citing privacy regulations",
       "Patients may decline and show an ID card.", group=BLIND),
    _p("Microsoft tells Congress it supports facial recognition rules",
       "The company's president testified that a federal law is overdue.", CO,
       ("microsoft",), group=BLIND),
    _p("Clearview AI vows to keep selling to police despite lawsuits",
       "The company said its database is used to solve crimes.", CO, ("clearview",),
       group=BLIND),
    _p("Appeals court upholds ruling that police face search violated privacy",
       "The court said the search required a warrant.", LIT, event="ruling", group=BLIND),
    _p("Watchdog report finds border agency face scans miss accuracy targets",
       "The inspector general recommended better testing.", LIT, event="report",
       group=BLIND),
    _p("Sen. Nguyen's bill on government face recognition passes Washington Senate",
       "The measure now heads to the House.", LEG, jur="US-WA", bill_ids=("SB 6280",),
       bills=("wa-sb6280-2020",), published="2020-02-12", group=BLIND),
    _p("Ting's Body Camera Accountability Act clears Assembly",
       "Police would be barred from using face recognition on body camera footage.", LEG,
       jur="US-CA", bill_ids=("AB 1215",), bills=("ca-ab1215-2019",), published="2019-05-09",
       group=BLIND),
    _p("Facial Recognition and Biometric Technology Moratorium Act of 2023 gains cosponsors",
       "Progressive lawmakers signed on to the bill.", LEG, jur="US-federal",
       bill_ids=("H.R.1404", "S.681"), bills=("us-frbtma-118",), group=BLIND),
    _p("117th Congress bill would pause federal facial recognition",
       "The Facial Recognition and Biometric Technology Moratorium Act would halt use by "
       "federal agencies.", LEG, jur="US-federal", bill_ids=("H.R.3907", "S.2052"),
       bills=("us-frbtma-117",), group=BLIND),
    _n("Amazon opens cashierless store using palm scanning",
       "Shoppers pay by hovering a hand over a reader.", ("amazon",), group=BLIND),
    _n("Google adds new filters to its photo app",
       "Users can now edit faces in group shots.", ("google",), group=BLIND),
]
