"""Serbian written in Latin letters, told from Croatian and Slovenian by its words.

langdetect has no Serbian profile: Serbian in Latin letters (Belgrade's Latin editions,
agencies, the web) reads as Croatian, or in a short title as Slovenian. Serbian standard
writes the ekavian reflex (uvek, gde, posle) where Croatian, Bosnian and Montenegrin write
ijekavian (uvijek, gdje, poslije), has words of its own (hiljada, opština, saradnja,
bezbednost) where Croatian has others (tisuća, općina, suradnja, uhićen), names the
months as Bosnian does (mart, not ožujak) and spells foreign names by their sound (Tramp,
Vašington), where Croatian keeps their spelling. Slovenian is ekavian too (predsednik,
vreme, septembra), so in a text read as Slovenian no word Slovenian's list holds counts.
Serbian from Republika Srpska is ijekavian and keeps Serbian's words: a text is Serbian
where its Serbian words outnumber its Croatian ones. Written from the standards' grammars
and dictionaries.
"""

from __future__ import annotations

from itertools import pairwise

from extractors.words import is_common

# Slovenian's wordfreq list down to one word in three million.
_SLOVENIAN_LOG = -6.5
_MARKLESS = str.maketrans({"č": "c", "ć": "c", "š": "s", "ž": "z"})


def _forms(spaced: str) -> frozenset[str]:
    """The words, and each as typed without its letters (č and ć as c, đ as dj or d)."""
    words = spaced.split()
    plain = [word.translate(_MARKLESS) for word in words]
    return frozenset(
        words + [w.replace("đ", "dj") for w in plain] + [w.replace("đ", "d") for w in plain]
    )


SERBIAN = _forms(
    # The ekavian reflex.
    "takođe uvek gde negde nigde svugde ovde posle pre sledeći sledeća sledeće sledećeg sledećem "
    "sledeću sledećih sledećim deca dece deci decom dete deteta detetu devojka devojke devojci "
    "devojku devojčica devojčice deo dela delom celog celom celoj verovatno izveštaj izveštaja "
    "izveštaju poseta posete posetu poseti posetio posetila posetili predsednik predsednika "
    "predsedniku predsednica predsedništvo predsedništva svetski svetskog svetskom svetske svetsku "
    "svetskih svetsko vest vesti lekova lekar lekara lekari hteo htela hteli uspeh uspeha uspeo "
    "uspela uspeli podseća podsetio podsetila zahtev zahteva zahteve zahtevi zahtevom savet saveta "
    "savetu savetnik savetnika ponedeljak ponedeljka pesma pesme rešenje rešenja predsedavajući "
    "sedište sedišta izbeglice izbeglica obezbediti obezbeđen obezbeđuje ubeđen veruje verujem "
    "nedelja nedelje nedelju mesto mesta mestu vreme reč primer mesec meseca meseci reka reke telo "
    "sever mleko uveče ocena ocenio ocenila ocenili ocenjuje podneo podnela povređen povređena "
    "povređene povređeno povređeni primena primene primenu nepoverenja pobeda pobede pobedu "
    "pobedio pobedila pobedili sednica sednicu sednice sednici upotrebila upotrebio rasterala "
    "večiti večitom veštačka veštačke razmena razmene razmeni razmenu poslednji poslednja "
    "poslednje poslednjeg poslednjoj poslednjih uspešan uspešna uspešno uspešni oseća osećaj "
    "prosečno prosečna prosečan oboleli obolelih umetnosti umetnost umetnik pretio pretnja pretnje "
    "pobegao pobegla namenjen namenjena namenjenog deonica deonici nemačka nemačke nemačkoj "
    "nemački nemačku preti preteći proterao proterala proterali mera mere meru merama donela doneo "
    "doneli doneti zaplenjeno zaplenjen zaplenili cveće sneg snega pevač pevačica sećanje dve "
    "pobednik pobednika zamenik zamenika namera izmene izmena promene promena vetar vetra "
    "odeljenje levo leva levoj deli podeliti delove delovi delova vek veka vredi vrednost "
    "vrednosti procena procene ocene pobedi strelac strelca posetilaca posetioci povreda povrede "
    "povredama cevovod cevovodu beleži zabeleženo zabeležen savetuje savetuju proterivanje "
    "proterivanjem poslednjem "
    # Words of the Serbian standard where Croatian has others.
    "hiljada hiljade hiljadu opština opštine opštini opštinski opšte opšti opštih istorija "
    "istorije istoriji istorijski saradnja saradnje saradnju saradnji spoljnih spoljni spoljne "
    "spoljnu spoljnim spoljna bezbednost bezbednosti bezbedno nauka nauke nauci naučni naučnika "
    "uslovi uslova uslovima hleb voz fudbal fudbalski fudbalera fudbaler takmičenje takmičenja "
    "vazduh vazdušni hemijski univerzitet univerziteta sprovesti sprovodi sproveden uticaj uticaja "
    "uticao časova odsto saopštio saopštila saopštilo saopštili saopštenje saopštenju saopštenja "
    "uhapšen uhapšena uhapšeno uhapšeni komesar komesarka komesara spisak spisku odbrana odbrane "
    "odbrani odbranu odbranili odbranio miliona milion ubistvo ubistva ubica tužilaštvo tužilaštva "
    "sudija stepeni stepena toplotni toplotnog sprat spratu autoput autoputa autoputu učestvovali "
    "učestvovala učestvovati učestvuje španija španije španiji švajcarska švajcarske holandija "
    "holandije evropa evrope evropi evropu evropski evropskog evropskom evropske evropska evropsku "
    "evropskih evroliga evrolige evroligi evroligu evro evra fabrika fabrike fabrici fabriku "
    "projekat organizuje organizovao organizovala organizovan organizovani organizovati reagovati "
    "reaguje reagovao kritikovao kritikovala kritikuje registrovan registrovano kontrolisati "
    "kontroliše prelazna prelazne prelaznu prelazni savremen savremena savremene savremenog "
    "jugoslovenski jugoslovenske jugoslovenska vakcina vakcinacija vakcinacije vakcinisani "
    "vakcinišu saobraćaj saobraćaja saobraćajna saobraćajnoj saobraćajne informisao evakuisali "
    "finansira finansiran finansijski finansijska finansijske pozorište pozorišta "
    # Months, but for those that are words or names elsewhere (Marta, Maja; Esperanto juna;
    # Jul in a date written in English).
    "januar januara februar februara aprila aprilu junu jula julu avgust avgusta avgustu septembar "
    "septembra oktobar oktobra novembar novembra decembar decembra "
    # Foreign names spelled by their sound.
    "tramp trampa trampom trampu bajden bajdena makron makrona vašington vašingtonu vašingtona "
    "njujork njujorku brisel brisela briselu džonson šolc šolca lajen gugl fejsbuk jutjub "
    "majkrosoft"
)
# Serbian words Croatian writes too, in sport, speech quoted or colloquially, and names
# (tokom, poena, šta, na visokom nivou, Lepa Brena, John Cena): they count only beside
# another Serbian word.
SERBIAN_BESIDE_ANOTHER = _forms(
    "tokom šta poen poena kurs nivo nivou nivoa plata plate penzija penzije penzioneri tačno tačka "
    "ambasada ambasade ambasador ambasadora svet lep lepa lepo bela beli belo bele belih belima "
    "dešava desilo uprkos cena cene cenu cenama dozvola dozvoliti dozvolio porodica porodice "
    "porodici zvaničnik zvanični zvanično zvaničnici"
)
CROATIAN = _forms(
    # The ijekavian reflex, which Bosnian, Montenegrin and Serbian from Republika Srpska
    # write too.
    "također uvijek gdje negdje nigdje ovdje poslije prije sljedeći sljedeća sljedeće sljedećeg "
    "sljedećem sljedeću sljedećih sljedećim djeca djece djeci djecom dijete djeteta djetetu "
    "djevojka djevojke djevojci djevojku djevojčica dio dijela dijelu cijeli cijela cijelo cijelog "
    "cijelu vjerojatno izvješće izvješća posjet posjeta posjetio posjetila posjetili predsjednik "
    "predsjednika predsjedniku predsjednica predsjedništvo svijet svijeta svijetu svjetski "
    "svjetskog svjetske vijesti lijek lijekova liječnik liječnika tijelo cijena cijene cijenu "
    "cijenama htio htjela htjeli uspio uspjela uspjeli uspjeh uspjeha nedjelja nedjelje podsjeća "
    "podsjetio zahtjev zahtjeva sjever sjeveru savjet savjeta savjetnik ponedjeljak pjesma pjesme "
    "rješenje rješenja mjesto mjesta mjestu mjesec mjeseca mjeseci vrijeme riječ riječi ocijenio "
    "ocijenila podnio podnijela ozlijeđen ozlijeđena ozlijeđeno ozlijeđeni primjena primjene "
    "primjenu nepovjerenja pobjeda pobjede pobjedu pobijedio pobijedila pobijedili sjednica "
    "sjednicu sjednice sjednici upotrijebila razmjena razmjene razmjeni razmjenu posljednji "
    "posljednja posljednje posljednjeg posljednjoj posljednjih uspješan uspješna uspješno uspješni "
    "osjeća osjećaj prosječno prosječna prosječan oboljeli oboljelih umjetnosti umjetnost umjetnik "
    "prijetio prijetnja prijetnje pobjegao pobjegla namijenjen namijenjena strijelac njemačka "
    "njemačke njemačkoj njemački njemačku mjera mjere mjeru mjerama donijela donio donijeli "
    "donijeti prosvjed prosvjednici prosvjedi prosvjeda svjetsko mlijeko mlijeka cijepljenje "
    "cijepljenja zaplijenjeno zaplijenjen zaplijenili vijeće vijeća vijeću bijelo bijela bijeli "
    "lijepo lijepa lijep vjerovati vjeruje vjerujem cvijeće snijeg snijega pjevač pjevačica "
    "sjećanje dvije pobjednik pobjednika zapovjednik zamjenik zamjenika namjera izmjene izmjena "
    "promjene promjena vjetar vjetra tjedan tjedna tjednu odjel odjela lijevo lijeva lijevoj "
    "dijeli podijeliti dijelove dijelovi dijelova vijek vijeka stoljeće stoljeća vrijedi "
    "vrijednost vrijednosti procjena procjene ocjena ocjene strijelca posjetitelja posjetitelji "
    "ozljeda ozljede ozljedama cjevovod cjevovodu bilježi zabilježeno zabilježen savjetuje "
    "savjetuju protjerivanje posljednjem "
    # Words of the Croatian standard where Serbian has others.
    "tisuća tisuće tisuću općina općine općini opće općeg povijest povijesti povijesni suradnja "
    "suradnje suradnju suradnji vanjskih vanjski vanjskog vanjske znanost znanosti znanstveni "
    "točno točka uvjeti uvjeta uvjetima vlak vlaka kruh nogomet nogometni nogometaš natjecanje "
    "natjecanja obitelj obitelji zračni kemijski sveučilište sveučilišta veleposlanstvo "
    "veleposlanik izbjeglice izbjeglica utjecaj utjecaja sjedište tko priopćio priopćila priopćilo "
    "priopćenje priopćenju unatoč tijekom uhićen uhićena uhićeno uhićeni povjerenik povjerenica "
    "obrana obrane obrani obranu obranili milijuna milijun eura mirovina mirovine plaće ubojstvo "
    "ubojstva ubojica tužiteljstvo odvjetništvo sudac suca umjetna umjetne stupnjeva stupnja "
    "toplinski kat katu autocesta autoceste autocesti sudjelovali sudjelovala sudjelovati "
    "sudjeluje španjolska španjolske španjolskoj švicarska švicarske nizozemska nizozemske "
    "tvornica tvornice tvornici tvornicu organizira organizirao organizirala organiziran "
    "organizirani organizirati reagirati reagira reagirao kritizirao kritizirala kritizira "
    "registriran registrirano kontrolirati kontrolira informirao evakuirali financira financiran "
    "financijski financijska financijske obvezni obvezno obvezan obveza obveze prijelazna "
    "prijelazne prijelaznu prijelazni razina razine razini suvremen suvremena suvremene suvremenog "
    "jugoslavenski jugoslavenske jugoslavenska cjepivo europa europe euroliga eurolige euroligi "
    "europske europska europskoj europsku europi europskog oporba oporbe oporbeni momčad momčadi "
    "izbornik izbornika ravnatelj ravnatelja zrakoplov zrakoplova kolodvor kolodvoru glazba glazbe "
    "glazbeni kazalište kazališta "
    # Months.
    "siječanj veljača ožujak travanj svibanj lipanj srpanj kolovoz rujan listopad studeni prosinac "
    "siječnja veljače ožujka travnja svibnja lipnja srpnja kolovoza rujna listopada studenoga "
    "studenog prosinca "
    # Foreign names in their own spelling.
    "trump trumpa trumpom trumpu biden bidena macron macrona washington washingtonu washingtona "
    "bruxelles bruxellesu johnson scholz scholza leyen"
)


# Serbian joins a modal verb to a present with da (treba da ide); Croatian writes the
# infinitive (treba ići). Not mora da, which Croatian writes for "it must be that".
_SERBIAN_PAIRS = frozenset(
    (modal, "da") for modal in _forms("treba trebalo može mogu mogao mogla mogli moglo")
)


def serbian_or_croatian(words: list[str], read_as: str) -> str | None:
    """Serbian (``sr``) or Croatian (``hr``) for a Latin text read as Croatian or Slovenian,
    where one's words outnumber the other's; None where neither's do. Read as Croatian it
    can only turn Serbian. Read as Slovenian, a word Slovenian's list holds (predsednik,
    vreme, septembra; Croatian točno, tko) counts for neither, nor does treba da."""
    distinct = set(words)
    if read_as != "hr":
        distinct = {word for word in distinct if not is_common(word, "sl", _SLOVENIAN_LOG)}
    # Slovenian writes "ni treba, da" (it is not needed that): the pairs count in a text
    # read as Croatian only.
    pairs = set(pairwise(words)) & _SERBIAN_PAIRS if read_as == "hr" else set()
    serbian = len(distinct & SERBIAN) + len(pairs)
    if serbian:
        serbian += len(distinct & SERBIAN_BESIDE_ANOTHER)
    croatian = len(distinct & CROATIAN)
    if serbian > croatian:
        return "sr"
    return "hr" if croatian > serbian and read_as != "hr" else None
