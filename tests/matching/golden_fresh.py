"""A second set of golden cases, written to test how the rules generalize.

Feed-style headlines and leads in the project's own words, about places, bodies and companies
the watchlist does not track (new states, cities, regulators, vendors), so that they pass or
fail on policy context rather than on names. Each case: title, summary, published, whether it
is relevant, and its kind, companies and event (``None``: not checked, the reading is open).
"""

from __future__ import annotations

from typing import Any

Case = dict[str, Any]


def _p(
    title: str, summary: str, kind: str, event: str | None, companies: tuple[str, ...] = (),
    **extra: Any,
) -> Case:
    return {"title": title, "summary": summary, "relevant": True, "kind": kind,
            "event": event, "companies": list(companies), **extra}


def _n(title: str, summary: str, companies: tuple[str, ...] = ()) -> Case:
    return {"title": title, "summary": summary, "relevant": False, "kind": "other",
            "event": "none", "companies": list(companies)}


LEG, LIT, CO = "legislation", "litigation_or_report", "company_statement"

FRESH_POSITIVE: list[Case] = [
    # State bills in states the watchlist does not track.
    _p("Pennsylvania House bill would require warrants for police facial recognition searches",
       "A bipartisan pair of representatives introduced the measure, which bars state and "
       "local police from running face searches without a court order.",
       LEG, "bill_introduced", jurisdiction="US-PA"),
    _p("Georgia senators file bill restricting facial recognition at state agencies",
       "The proposal would stop executive-branch agencies from buying face recognition "
       "systems without approval from the General Assembly.",
       LEG, "bill_introduced", jurisdiction="US-GA"),
    _p("Ohio House panel approves limits on police face recognition",
       "The criminal justice committee voted 9-4 to send the measure to the full House; it "
       "requires a warrant except in emergencies.",
       LEG, "committee_passed", jurisdiction="US-OH"),
    _p("Arizona Senate passes bill curbing facial recognition searches of driver photos",
       "The legislation now goes to the House, where a similar proposal stalled last year.",
       LEG, "bill_passed_chamber", jurisdiction="US-AZ"),
    _p("New Hampshire governor signs law limiting government face surveillance",
       "The new statute bars state agencies from running facial recognition on body camera "
       "footage and requires yearly public reports.",
       LEG, "bill_signed", jurisdiction="US-NH"),
    _p("Connecticut rules on police facial recognition take effect Monday",
       "Under the law passed this spring, departments must publish a use policy and log "
       "every search they run.",
       LEG, "law_enacted", jurisdiction="US-CT"),
    _p("Kentucky lawmakers send facial recognition policy bill to governor",
       "The measure would require every police agency using the technology to follow a "
       "statewide model policy.",
       LEG, "bill_passed", jurisdiction="US-KY"),
    _p("Utah governor signs bill limiting police access to license photos for face searches",
       "Officers will need to show a felony investigation before the state runs a facial "
       "recognition search on its databases.",
       LEG, "bill_signed", jurisdiction="US-UT"),
    _p("Texas lawmaker proposes ban on facial recognition at public protests",
       "The bill would forbid police from identifying demonstrators with face-matching "
       "software unless they are suspected of a violent crime.",
       LEG, "bill_introduced", jurisdiction="US-TX"),
    _p("Nebraska legislature advances biometric privacy bill covering face scans",
       "Senators gave first-round approval to a measure requiring consent before businesses "
       "collect facial geometry.",
       LEG, None, jurisdiction="US-NE"),
    # Cities and counties: bans, repeals.
    _p("Madison alders vote to ban facial recognition by city agencies",
       "The city council's unanimous vote bars departments, police included, from using the "
       "technology, with an exception for trafficking investigations.",
       LEG, "ban_passed"),
    _p("Jackson becomes the latest city to outlaw police facial recognition",
       "The city council approved the ordinance without dissent, citing the risk of "
       "misidentifying Black residents.",
       LEG, "ban_passed"),
    _p("Town council repeals facial recognition ban so police can use state system",
       "Councilors voted 5-2 to lift the 2020 prohibition after the police chief asked for "
       "access to a statewide face-search tool.",
       LEG, "repeal"),
    _p("County supervisors end moratorium on sheriff's facial recognition",
       "The board overturned the two-year ban in a 3-2 vote, adding an audit requirement.",
       LEG, "repeal"),
    _p("City council delays vote on facial recognition ban after police pushback",
       "Council members postponed the ordinance for a month to hear from the department.",
       LEG, "vote_postponed"),
    # Police policy adopted under a legal framework.
    _p("Police department adopts facial recognition policy to comply with new state law",
       "The rules limit searches to serious felonies, forbid use on live video and require a "
       "second analyst to confirm any possible match.",
       LEG, "agency_policy"),
    _p("State police suspend facial recognition use pending attorney general review",
       "The agency said it would not run face searches until the review of its policy is "
       "complete.",
       LEG, None),
    # Lawsuits, settlements, rulings.
    _p("Man jailed for six days after facial recognition error sues city police",
       "His lawsuit says detectives relied on a face-search lead alone to arrest him for a "
       "robbery in a city he had never visited.",
       LIT, "lawsuit"),
    _p("City agrees to pay $300,000 to woman misidentified by facial recognition",
       "The settlement resolves her claim that officers arrested her on the strength of a "
       "false match.",
       LIT, "settlement"),
    _p("Judge approves $35 million settlement over photo app's face scans",
       "Users whose face templates were created by the app can claim payments under the "
       "Illinois Biometric Information Privacy Act.",
       LIT, "settlement"),
    _p("Retail chain sued under BIPA over cameras that scan shoppers' faces",
       "The class action claims the stores collected faceprints of customers in Chicago "
       "without written consent.",
       LIT, "lawsuit"),
    _p("Appeals court revives privacy claims over police use of Clearview AI",
       "A three-judge panel said the plaintiffs may proceed with claims against the police "
       "agencies that searched their photos.",
       LIT, "ruling", ("clearview",)),
    _p("State high court says facial recognition match alone is not probable cause",
       "The justices threw out a burglary conviction built on a face search with no other "
       "evidence linking the defendant.",
       LIT, "ruling"),
    _p("Defendants must be told when police used facial recognition, appellate court rules",
       "Prosecutors have to disclose the software, the candidate list and the analyst's "
       "notes, the panel held.",
       LIT, "ruling"),
    _p("Vermont attorney general sues Clearview AI over scraped photos",
       "The lawsuit says the company collected images of residents to build its face "
       "database without their knowledge.",
       LIT, "lawsuit", ("clearview",)),
    _p("Meta to pay Texas $1.4 billion to settle facial recognition suit",
       "The state had accused the company of capturing biometric data from photos without "
       "consent.",
       LIT, "settlement", ("meta",)),
    _p("Clearview AI settlement gives class members a stake in the company",
       "Instead of cash, people whose faces were scraped would share in a future valuation "
       "under the proposed deal.",
       LIT, "settlement", ("clearview",)),
    # Regulators.
    _p("French regulator CNIL sanctions supermarket over facial recognition cameras",
       "The data protection authority said the store processed biometric data of customers "
       "with no legal basis and imposed a penalty.",
       LIT, "fine_or_enforcement", jurisdiction="FR"),
    _p("ICO issues enforcement notice to retailer over facial recognition watchlists",
       "The Information Commissioner said the chain had no lawful basis to keep shoppers' "
       "biometric data.",
       LIT, "fine_or_enforcement", jurisdiction="UK"),
    _p("FTC order bars photo storage app from using facial recognition without consent",
       "The company must delete the face models and algorithms it built from users' photos.",
       LIT, "fine_or_enforcement"),
    _p("Italy's privacy watchdog blocks city's facial recognition cameras at train stations",
       "The Garante said the municipality had no basis in national law for the system.",
       LIT, "fine_or_enforcement", jurisdiction="IT"),
    _p("Australian privacy commissioner finds hardware chain's face scanning breached the law",
       "The determination said the retailer collected sensitive information from "
       "customers without consent.",
       LIT, "fine_or_enforcement", jurisdiction="AU"),
    _p("Greek data protection authority fines Clearview AI 20 million euros",
       "The authority also banned the company from processing the biometric data of people "
       "in Greece.",
       LIT, "fine_or_enforcement", ("clearview",)),
    # EU AI Act.
    _p("AI Act ban on scraping faces to build recognition databases now applies",
       "The prohibitions, including most real-time remote biometric identification by police "
       "in public spaces, took effect across the European Union.",
       LEG, "law_enacted", jurisdiction="EU"),
    _p("European Parliament committees vote to widen ban on biometric surveillance",
       "MEPs on the civil liberties and internal market committees backed a ban on "
       "real-time facial recognition in public places.",
       LEG, None, jurisdiction="EU"),
    # Company policy on selling face recognition to police.
    _p("Body camera maker rules out face recognition after ethics review",
       "Motorola Solutions said it will not offer facial recognition on its police body "
       "cameras.",
       CO, None, ("other",)),
    _p("IBM urges Commerce Department to curb exports of facial recognition systems",
       "The company asked for export controls on the technology used for mass surveillance "
       "and racial profiling.",
       CO, "lobbying", ("ibm",)),
    _p("Microsoft calls on Congress to regulate police facial recognition",
       "Its president said lawmakers should require a court order for ongoing surveillance "
       "of a specific person.",
       CO, "lobbying", ("microsoft",)),
    _p("Shareholders ask Alphabet to report on sales of facial recognition to governments",
       "A proposal on the proxy ballot seeks disclosure of how the technology is sold and "
       "used by agencies.",
       CO, "shareholder_vote", ("google",)),
    # Federal bills, hearings, reports.
    _p("Senators introduce bill to stop police buying face data scraped from social media",
       "The bill would bar federal, state and local law enforcement from purchasing images "
       "gathered without a warrant.",
       LEG, "bill_introduced", jurisdiction="US-federal"),
    _p("House Judiciary subcommittee holds hearing on facial recognition in policing",
       "Witnesses urged Congress to set rules for when officers may run a face search.",
       LEG, "hearing", jurisdiction="US-federal"),
    _p("DHS inspector general finds CBP did not protect travelers' facial images",
       "The audit said a subcontractor copied images from the biometric entry program to its "
       "own network.",
       LIT, "report"),
    _p("State auditor faults police agency's facial recognition program",
       "The audit found no written policy on when officers may run a search and no record of "
       "how results were used.",
       LIT, "report"),
    _p("Civil rights commission urges federal limits on facial recognition",
       "The commission's report recommends testing requirements and warns of bias in the "
       "systems used by federal agencies.",
       LIT, "report"),
    _p("Federal agencies must publish how they use facial recognition, OMB memo says",
       "The guidance requires agencies to test systems for bias and let travelers opt out of "
       "face scans at checkpoints.",
       LEG, "agency_policy", jurisdiction="US-federal"),
    _p("Records show police ran face searches on protesters, civil liberties group says",
       "Documents obtained through public records requests show officers searched images "
       "of demonstrators against mugshot databases.",
       LIT, "report"),
    _p("Inquiry finds police force's live facial recognition trial lacked a legal basis",
       "The independent review said officers had no clear rules on who could be placed on "
       "a watchlist.",
       LIT, "report"),
]

FRESH_NEGATIVE: list[Case] = [
    # Market and product news.
    _n("Face biometrics spending by retailers set to climb, analysts say",
       "Vendors expect orders for face-scanning loss-prevention cameras to rise sharply "
       "through 2030."),
    _n("Face recognition firm files for initial public offering",
       "The company, which sells access-control terminals, plans to list on the Nasdaq."),
    _n("Bank adds face verification to mobile account opening",
       "New customers can open an account by taking a selfie and scanning their ID card."),
    _n("Hotel chain tests face check-in kiosks at five properties",
       "Guests can skip the front desk by letting a kiosk match their face to their booking."),
    _n("Gym chain replaces membership cards with facial recognition at the door",
       "Members enroll their face in the app and walk straight through the turnstile."),
    _n("Theme park lets annual pass holders enter with a face scan",
       "The park says the images are used only to speed up entry."),
    _n("Cruise line speeds boarding with facial recognition at its terminals",
       "Passengers upload a photo before departure and skip document checks at the port."),
    _n("Laptop maker's new webcam can recognize your face in the dark",
       "An infrared sensor lets the machine wake and sign in the owner automatically."),
    _n("New phone's face recognition works with sunglasses, company claims",
       "The handset uses a depth sensor to verify the owner even outdoors."),
    _n("Smart lock with built-in facial recognition goes on sale",
       "The device opens the front door for recognized family members."),
    _n("Microsoft's Seeing AI app can now describe faces for blind users",
       "The free app reads text aloud and tells users who is in front of them.",
       ("microsoft",)),
    # Deployments with no legal angle.
    _n("Airport adds face scanning at boarding gates for international flights",
       "Travelers can board without showing a passport by looking into a camera."),
    _n("School district tests facial recognition cameras at high school entrances",
       "Officials said the pilot will alert staff when a visitor on a banned list appears."),
    _n("Face recognition helps reunite dementia patients with their families",
       "Care homes in the region use the system to identify residents who wander off."),
    _n("Police use facial recognition to identify suspect in jewelry store robbery",
       "Detectives said the image from a store camera led them to the man within a day."),
    _n("Shenzhen crosswalk cameras display faces of jaywalkers on screens",
       "The city says the face-matching system has cut violations at busy junctions."),
    _n("Facial recognition vendor wins contract for port authority terminals",
       "The system will be used to speed up passenger flow at the ferry terminals."),
    # Research.
    _n("Researchers build face recognition model that works on masked faces",
       "The team reports accuracy above 95 percent on a new test set."),
    _n("Study finds face recognition struggles to match photos taken decades apart",
       "Scientists tested several algorithms on images of the same people over 40 years."),
    _n("University releases diverse face dataset to help reduce algorithm bias",
       "The images were collected with consent from volunteers in 30 countries."),
    # Other moratoria.
    _n("State extends moratorium on new cryptocurrency mining permits",
       "The two-year pause covers plants that burn fossil fuels to power mining rigs."),
    _n("Governor lifts moratorium on the death penalty",
       "The state will resume scheduling executions after a five-year pause."),
    _n("County board approves moratorium on new data centers",
       "Supervisors cited water use and grid strain in the 12-month pause."),
    _n("City council bans gas hookups in new buildings",
       "The ordinance requires all-electric heating and cooking starting next year."),
    # AI laws without biometrics; police reform without facial recognition.
    _n("EU agrees rules for general-purpose AI models under the AI Act",
       "Providers of large models will have to publish summaries of their training data."),
    _n("State enacts law regulating AI in hiring decisions",
       "Employers must tell applicants when an automated tool screens their resumes."),
    _n("Lawmakers pass bill requiring chatbots to disclose they are not human",
       "The measure applies to companies using AI to talk with consumers."),
    _n("City council passes police reform package creating civilian oversight board",
       "The ordinance also limits no-knock warrants and requires body cameras."),
    _n("Police reform bill bans chokeholds and ends qualified immunity",
       "The state Senate passed the measure after months of negotiation."),
    # Other senses of recognition; deepfakes, voice, age estimation.
    _n("Scientists honored in recognition of work on protein folding",
       "The award committee cited their contributions to structural biology."),
    _n("Senate bill would require recognition of out-of-state nursing licenses",
       "The measure aims to ease staff shortages at hospitals."),
    _n("Deepfake video of candidate spreads as lawmakers call for rules",
       "The doctored clip was viewed millions of times before platforms removed it."),
    _n("Voice cloning scam targets parents, consumer agency warns",
       "Callers use AI-generated voices of children to demand ransom money."),
    _n("Voice recognition comes to more car dashboards",
       "Drivers can adjust climate and navigation by speaking."),
    _n("Instagram tests AI age estimation for teens who change their birthday",
       "Users can verify their age with a video selfie analyzed by a third-party tool.",
       ("meta",)),
    _n("Emotion-reading AI in job interviews draws skepticism",
       "Experts doubt that software can infer traits from facial expressions."),
    # Tracked companies' other news.
    _n("Clearview AI names new chief executive",
       "The company's co-founder will stay on the board.", ("clearview",)),
    _n("IBM unveils mainframe with on-chip AI accelerator",
       "The new system targets fraud detection for banks.", ("ibm",)),
    _n("Amazon fined by French regulator over warehouse worker scanners",
       "The CNIL said the company's tracking of employees' scanner activity was excessive.",
       ("amazon",)),
    _n("Google Photos can now group pictures of your pets",
       "The update uses the same grouping tools the app applies to people.", ("google",)),
    _n("Axon buys drone startup to expand police technology offerings",
       "The acquisition adds remote-piloted aircraft to its product line.", ("axon",)),
    _n("Meta's new smart glasses can identify landmarks and translate signs",
       "The company says the glasses do not identify people.", ("meta",)),
    _n("Microsoft settles lawsuit over Xbox children's data",
       "The company agreed to pay $20 million to resolve claims it collected data without "
       "parental consent.", ("microsoft",)),
    _n("Face-swapping app tops download charts despite privacy worries",
       "Users upload selfies to see themselves in film scenes."),
    _n("Apple sued over Face ID patent by sensor maker",
       "The patent infringement lawsuit seeks royalties on every iPhone sold with the "
       "feature.", ("other",)),
    _n("Facial recognition firm sued by former employees over unpaid overtime",
       "The wage lawsuit says engineers were misclassified as contractors."),
    _n("Government launches face authentication app for pension certificates",
       "Retirees can prove they are alive by scanning their face on a phone instead of "
       "visiting a bank."),
    _n("TSA expands facial recognition checkpoints to 20 more airports",
       "Travelers can have their photo taken instead of handing over an ID."),
    _n("Transit agency uses facial recognition cameras to catch fare evaders",
       "City officials say the system flagged hundreds of repeat offenders in a month."),
    _n("Police chief credits facial recognition with solving 90 cases last year",
       "The department says the software produced leads in robberies and assaults."),
    _n("How to turn off face grouping in your photo settings",
       "A step-by-step guide for phones and computers."),
    _n("Face recognition company's shares jump after government contract",
       "Investors welcomed a deal to supply border-control terminals."),
]

# Written after the rules were revised against the two lists above, to check them blind.
BLIND_POSITIVE: list[Case] = [
    _p("Louisiana House votes to require warrants for facial recognition searches",
       "The bill passed 70-25 and moves to the Senate.", LEG, "bill_passed_chamber",
       jurisdiction="US-LA"),
    _p("Iowa senator proposes limits on face recognition at state agencies",
       "Senate File 310 would require agencies to get legislative approval first.",
       LEG, "bill_introduced", jurisdiction="US-IA"),
    _p("Missouri governor vetoes bill restricting police facial recognition",
       "He said the measure would hamper investigations of violent crime.",
       LEG, "bill_vetoed", jurisdiction="US-MO"),
    _p("Durham city council votes to prohibit police use of face recognition",
       "The ordinance passed 6-1 after hours of public comment.", LEG, "ban_passed"),
    _p("Suburb rescinds facial recognition ban to join regional crime center",
       "Council members voted to repeal the ordinance adopted three years ago.",
       LEG, "repeal"),
    _p("Sheriff's office issues new rules for facial recognition searches",
       "Deputies will need a supervisor's approval and a case number before each search, "
       "under the state's new law.", LEG, "agency_policy"),
    _p("Woman wrongly arrested after face search files federal civil rights suit",
       "She says detectives ignored evidence that she was eight months pregnant.",
       LIT, "lawsuit"),
    _p("Police department pays $500,000 to settle facial recognition false arrest claim",
       "The man spent ten days in jail before charges were dropped.", LIT, "settlement"),
    _p("Judge blocks city from using facial recognition on protest footage",
       "The preliminary injunction halts searches while the lawsuit proceeds.",
       LIT, "ruling"),
    _p("Dutch regulator warns businesses that facial recognition is almost always illegal",
       "The data protection authority said companies may not use the technology for "
       "access control or security.", LIT, "fine_or_enforcement"),
    _p("Canadian privacy commissioner orders mall owner to delete shoppers' face images",
       "The investigation found cameras in directories captured millions of images without "
       "consent.", LIT, "fine_or_enforcement"),
    _p("Norwegian data authority fines police for unlawful facial recognition test",
       "The authority said the force had no legal basis to run the pilot.",
       LIT, "fine_or_enforcement"),
    _p("Verkada says it will not sell facial recognition to police without a warrant policy",
       "The camera company announced the restriction in a letter to customers.",
       CO, "product_restriction", ("other",)),
    _p("Amazon faces shareholder proposal on Rekognition human rights risks",
       "Investors want an independent review of sales to government agencies.",
       CO, "shareholder_vote", ("amazon",)),
    _p("Senators press FBI on facial recognition searches of passport photos",
       "In a letter, lawmakers asked the bureau how many searches it ran and under what "
       "rules.", LEG, None),
    _p("Inspector general: Marshals Service lacked policy for facial recognition use",
       "The report recommends the agency adopt rules before expanding use.", LIT, "report"),
    _p("UK government plans law to govern police facial recognition",
       "The Home Office said a consultation will shape a new legal framework.",
       LEG, None, jurisdiction="UK"),
    _p("Advocates ask Congress to ban government use of face surveillance",
       "Civil liberties groups sent a letter backing a federal moratorium.", LEG, None),
]

BLIND_NEGATIVE: list[Case] = [
    _n("Facial recognition door locks see strong holiday sales",
       "Retailers said smart locks were among the top-selling gadgets."),
    _n("Concert venue adds facial recognition express entry",
       "Fans can link their face to a ticket in the venue's app."),
    _n("Police department upgrades body cameras with live streaming",
       "The new cameras let supervisors watch incidents as they unfold."),
    _n("State moratorium on new hog farms extended",
       "Lawmakers cited water pollution concerns."),
    _n("Study: face recognition accuracy drops for people wearing glasses",
       "Researchers tested ten commercial systems."),
    _n("Microsoft settles with regulators over cloud licensing",
       "The company changed how customers can run its software on rival clouds.",
       ("microsoft",)),
    _n("Google unveils face-aware photo editing tools for Pixel phones",
       "The features blend faces from several shots into one.", ("google",)),
    _n("Court recognizes same-sex marriage performed abroad",
       "The ruling sets a precedent for couples married overseas."),
    _n("Sheriff uses facial recognition to identify unknown accident victim",
       "The office said the match helped notify the family."),
    _n("Face scanning replaces boarding passes on domestic flights",
       "The airline says the system saves minutes at each gate."),
    _n("Retailer installs face recognition cameras to fight shoplifting",
       "The chain says the system alerts staff when known offenders enter."),
    _n("AI bill would require watermarks on generated images",
       "The measure targets election deepfakes."),
    _n("Facial expression AI helps detect pain in nonverbal patients",
       "Hospital researchers trained the model on thousands of videos."),
    _n("Clearview AI opens new office in Washington",
       "The company is hiring sales staff.", ("clearview",)),
    _n("Police tout facial recognition success in missing persons cases",
       "Officials said the technology located three missing teenagers."),
    _n("Biometric passport gates open at more European airports",
       "Travelers with chipped passports can use automated lanes."),
]

FRESH: list[Case] = FRESH_POSITIVE + FRESH_NEGATIVE + BLIND_POSITIVE + BLIND_NEGATIVE
