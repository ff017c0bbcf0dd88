// The word lists of crisis detection, as data. Every pattern runs on normalised text: lowercase,
// no accents, no apostrophes ("don't" is "dont", "j'ai" is "jai"), letters and digits only, one
// space between words, one clause at a time (clauses end at . ! ? ; : , and new lines). Patterns
// are first person on purpose: "she killed herself" or "my uncle died by suicide" match nothing.
// Every quantifier is bounded, so no pattern can backtrack catastrophically.
import type { CrisisKind, CrisisLanguage, CrisisStatement } from './crisis-detection.js';

/** What can make a matched phrase not a crisis, besides negation, media and past markers. */
export type PhraseGuard =
  /** A threat said as a figure of speech: "my mom will kill me when she sees this", "lol". */
  | 'hyperbole'
  /** Said laughing: a joke marker ("lol", "jaja", "kkk") anywhere in the message. */
  | 'joke'
  /** A conditional said laughing: "if i hear that song again ill kill myself lol". */
  | 'laughing-condition'
  /** A hurt said with its everyday cause: "cut myself shaving", "burned myself on the stove". */
  | 'accident'
  /** Said of a video game: "i keep killing myself in minecraft", "je me suis tué sur ce boss". */
  | 'game';

/** Phrases of one kind and one statement form, in one language. */
export interface PhraseFamily {
  kind: CrisisKind;
  statement: CrisisStatement;
  patterns: readonly RegExp[];
  /** The phrase contains its own negation ("i dont want to live"), so it is not a negation cue. */
  negationIsPart?: boolean;
  guards?: readonly PhraseGuard[];
}

/** Everything detection knows about one language. */
export interface LanguagePhrases {
  families: readonly PhraseFamily[];
  /** Words that, just before a phrase (fillers skipped) or inside it, negate it. */
  negations: readonly string[];
  /** Words that negate a phrase when they follow it ("je me scarifie plus", "ich ritze mich nicht mehr"). */
  negationsAfter: readonly string[];
  /** How many words after a phrase a `negationsAfter` word may come. */
  negationAfterWindow: number;
  /** Words skipped when looking back for a negation: "i would never ever kill myself". */
  fillers: readonly string[];
  /**
   * A film, song, book or the news near the phrase. With `quoting` (or quotation marks in the
   * message) the phrase is quoted from it, not the person's own: "she sings 'i wanna die'". Alone
   * it guards nothing: "listening to sad songs and i want to die" is a crisis.
   */
  media: RegExp;
  /** Verbs and nouns of quoting: sings, says, called, lyrics. */
  quoting: RegExp;
  /** A condition before the phrase, for the `laughing-condition` guard. */
  conditionBefore: RegExp;
  /** A clause about the past: "when i was 16", "years ago". */
  past: RegExp;
  /** Everyday causes of a hurt, for the `accident` guard. */
  accident: RegExp;
  /**
   * Recovery from self-harm ("2 years clean from sh", "un año sin cortarme"): a self-harm phrase
   * near it is a milestone, not a crisis, unless `relapse` is near too ("relapsed after 200 days").
   */
  recovery: RegExp;
  /** A relapse or a struggle that undoes `recovery`: "again", "relapsed", "no puedo". */
  relapse: RegExp;
  /**
   * Words that start a new clause when people leave out the comma ("ich will mich umbringen ich
   * halt das nicht mehr aus"): a `negationsAfter` word past one of them negates nothing.
   */
  clauseStartsAfter: readonly string[];
  /**
   * For the `hyperbole` guard: a condition after the threat ("when she sees my grades"), except
   * the conditions real threats are made of ("if i leave", "if i tell anyone").
   */
  hyperboleAfter: RegExp;
  /** For the `hyperbole` guard: a thing as the subject of the threat ("this exam", "ce boulot"). */
  hyperboleBefore: RegExp;
  /**
   * A partner as the subject of a threat: then a condition does not make it a figure of speech
   * ("my husband will kill me if he finds out"), since partners are who most often mean it.
   */
  partner: RegExp;
}

/** Laughter and joke markers in every language, for the `hyperbole` and `joke` guards. */
export const jokeMarkers =
  /\b(?:lo+l+|lmf?a+o+\w*|rofl|haha\w*|hehe\w*|jaja\w*|jeje\w*|kk+|rs+|mdr+|ptdr+|xd+|jk)\b/;

/**
 * Video games, for the `game` guard: titles and the words of play, in any language, since
 * players name their games the same way in all of them.
 */
export const gameMarkers =
  /\b(?:minecraft|fortnite|roblox|terraria|elden ring|dark souls|bloodborne|sekiro|gta|valorant|league of legends|overwatch|apex|warzone|call of duty|cod|the sims|sims|super mario|mario kart|zelda|skyrim|hollow knight|celeste|among us|lethal company|dead by daylight|tarkov|pubg|subnautica|hardcore mode|hardcore world|respawn\w*|speedrun\w*|ingame|in game|no jogo|en el juego|dans le jeu|im spiel|in dem spiel|in lava|boss fight|final boss|same boss|meme boss|creepers?|pvp)\b/;

const en: LanguagePhrases = {
  families: [
    {
      kind: 'imminent-danger',
      statement: 'direct',
      negationIsPart: true,
      patterns: [
        /\b(?:im|i am|i dont feel|i do not feel|dont feel|i feel) (?:not )?safe\b(?= *$| (?:at home|here|right now|rn|with him|with her|around him|in my house|anymore|tonight)\b)/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'indirect',
      negationIsPart: true,
      patterns: [
        /\b(?:sleep|asleep|go to bed) and (?:never|not|just not) (?:wake|waking) up\b/,
        /\bnever wake up again\b/,
        /\b(?:no|zero) (?:point|reason) (?:in |to |of )?(?:living|live|being alive|going on|staying alive|keep living|life)\b/,
        /\b(?:wont|will not) be (?:around|here|alive) (?:much longer|for long|tomorrow|next week|anymore|any more)\b/,
        /\b(?:notice|care|miss me|even know)(?: \w+){0,2} if i (?:disappeared|vanished|was gone|were gone|died|wasnt here|werent here|was dead|killed myself)\b/,
        /\beasier (?:for (?:everyone|everybody|them|my family) )?if i (?:wasnt|werent|was not|were not|wasnt ever) (?:here|around|alive)\b/,
        /\bwish i (?:could )?(?:just )?(?:not exist|stop existing|disappear forever|never wake up|was never born|were never born|wasnt born)\b/,
        /\b(?:dont|do not) (?:want|wanna) (?:to )?(?:exist|wake up|be here) (?:anymore|any more|tomorrow)\b/,
        /\b(?:dont|do not|no longer) have (?:the |any )?(?:strength|will) to (?:live|go on|keep going|keep living)\b/,
        /\b(?:better|easier|happier)(?: \w+){0,3} if i (?:didnt|did not|never) (?:exist|existed|wake up)\b/,
        /\bif i (?:dont|do not|never|didnt|did not|wont) wake up(?: (?:tomorrow|again|ever|in the morning))?(?= *$| (?:thats|that would|itd|it would|id|i would|i wouldnt|so be it|whatever|who cares|good|fine|honestly|tbh|oh well|nobody|no one)\b)/,
        /\bhow (?:high|tall|far)\b(?: \w+){0,8}? (?:(?:dont|not|wont|never) survive|die from the fall|to die|kill (?:you|me|a person|someone)|be fatal|is fatal)\b/,
        /\b(?:wont|will not|will never|never) (?:have|need) to worry about me (?:anymore|any more|much longer|for much longer|soon|ever again)\b/,
        /\b(?:wont|will not|will never) (?:have|need) to (?:deal with|put up with|take care of) me (?:much longer|for much longer|for long|soon)\b/,
        /\b(?:wont|will not|dont|do not) need (?:it|them|this|that|these|those|any of (?:it|this|them|that)|my \w+|anything)(?: \w+){0,2}? where im going\b/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'direct',
      guards: ['laughing-condition', 'game'],
      patterns: [
        /\bkill(?:ing)? my ?self\b/,
        /\b(?:gonna|wanna|to|will|ill|should|might) off my ?self\b|\boffing my ?self\b/,
        /\b(?:hang|hanging|shoot|shooting|drown|drowning|overdose|overdosing|od) my ?self\b/,
        /\b(?:slit|slitting|cut|cutting) my (?:wrists?|throat)\b/,
        /\bend(?:ing)? my (?:own )?life\b/,
        /\btak(?:e|ing) my (?:own )?life\b/,
        /\bend(?:ing)? it all\b/,
        /\bend(?:ing)? it (?:tonight|today|now|soon|for good)\b/,
        /\bend(?:ing)? (?:things|everything)(?= (?:tonight|today|now|soon|for good|this weekend|rn|right now|once and for all)\b(?!(?: \w+){0,2} with\b))/,
        /\b(?:plan|plans|planning|planned|plotting|picked a date for|set a date for) my (?:suicide|death)\b/,
        /\bmy suicide (?:plan|date)\b/,
        /\b(?:want|wanna|going|gonna|ready|about|planning|plan|need|deserve|have) (?:to )?die\b(?! (?:of|from|laughing|inside|my hair|of laughter)\b)/,
        /\b(?:want|wanna|going|gonna|ready|about|planning|plan|need|trying) (?:to )?(?:overdose|od|hang myself|slit my wrists)\b(?! on (?:coffee|caffeine|sugar|chocolate|candy)\b)/,
        /\b(?:going to|gonna|will|ill|want to|wanna|about to|ready to|planning to) (?:take|swallow|down) (?:all (?:of )?(?:my|the)|every|a whole|the whole|the entire|an entire|a full|all)(?: \w+){0,2}? (?:pills|tablets|meds|medication|sleeping pills|painkillers|paracetamol|tylenol|insulin)\b/,
        /\b(?:want|wanna|going|gonna) (?:to )?be dead\b/,
        /\bwish (?:i was|i were|id be|i could be) dead\b/,
        /\b(?:im|i am|i feel|feeling|i get|ive been|been|getting|having|have|i have) (?:so |really |very |kinda |kind of |pretty |super |quite )?suicidal\b/,
        /\bsuicidal (?:thoughts|feelings|ideation)\b/,
        /\b(?:think|thinking|thought|thoughts|obsessing) (?:about|of) (?:suicide|dying|ending (?:it|my life)|killing myself)\b/,
        /\b(?:going to|gonna|want to|wanna|plan to|planning to|about to|ready to|will|ill|try to|trying to) commit suicide\b/,
        /\b(?:going to|gonna|want to|wanna|about to|ready to|ill|i will|planning to|plan to) (?:jump|throw myself) (?:off|from|in front of)\b/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'direct',
      negationIsPart: true,
      patterns: [
        /\b(?:dont|do not|no longer|never) (?:want|wanna|wish) (?:to )?(?:live|be alive|keep living|go on living)\b(?! (?:in|with|at|like|near|there|here|on|by|under|alone|together|abroad)\b)/,
        /\b(?:dont|do not) (?:want|wanna) (?:to )?(?:live|be alive) (?:anymore|any more)\b/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'indirect',
      patterns: [
        /\bbetter off (?:without me|dead|if i (?:was|were|wasnt|werent|was not|were not) (?:here|around|alive|gone|dead))\b/,
        /\b(?:have|got|get|keep) (?:the |my |a )?(?:pills|tablets|rope|noose|gun|blade|razor) (?:all )?(?:ready|prepared|lined up|set up)\b/,
        /\b(?:pills|tablets|rope|noose) (?:are|is) (?:all )?(?:ready|prepared)\b/,
        /\b(?:saving|stockpiling|collecting|hoarding|saved up|stockpiled) (?:up )?(?:my |all my )?(?:pills|meds|tablets)\b/,
        /\b(?:wrote|written|writing|write|left|leaving|finished) (?:a |my |the |some |all my )?(?:goodbye|suicide|farewell) (?:letters?|notes?|messages?|texts?)\b/,
        /\b(?:this is|its|tonight is) my last (?:night|day|message)\b(?! (?:in|at|of|here|with|before|on)\b)/,
        /\b(?:im|i am|i feel like|feel like) (?:\w+ ){0,2}a burden\b/,
        /\bhow (?:many|much) (?:pills|tablets|paracetamol|tylenol|sleeping pills|insulin|meds)(?: \w+){0,2} (?:to die|would take|it takes|does it take|to overdose|to od|would kill)\b/,
        /\b(?:painless|easiest|quickest|fastest|best) way to (?:die|kill myself|end it)\b/,
        /\b(?:want|need) (?:it|everything|it all|all of it|this) to (?:stop|end) (?:for good|forever|permanently)\b/,
        /\b(?:after|when|once) im gone\b/,
        /\bdisappear forever\b/,
        /\b(?:happier|better off|better|easier|fine)(?: \w+){0,2} (?:if|when|once) i (?:was|were|am|m|im) (?:gone|dead|not here|not around)\b/,
        /\b(?:happier|better off|easier) without me\b/,
        /\b(?:this is|its|heres) (?:my )?(?:goodbye|farewell)\b(?! (?:party|gift|card|lunch|dinner|drinks)\b)/,
        /\bdisappear and (?:never|not) come back\b/,
        /\b(?:want|wanna|need|wish i could) (?:to )?(?:just )?(?:stop existing|cease to exist|sleep forever)\b/,
        /\b(?:whats|what is|wheres) the point (?:of|in) (?:being alive|living|life|staying alive|going on)\b/,
        /\b(?:giving|gave|give|given|gonna give|started giving) away (?:all )?(?:of )?my (?:stuff|things|belongings|possessions)\b/,
        /\bgave (?:all )?(?:of )?my (?:stuff|things|belongings|possessions) (?:away|to)\b/,
        /\b(?:wrote|written|writing|left|leaving) (?:\w+ )?(?:letters?|notes?) (?:to|for) (?:my |everyone|all|each)(?: \w+){0,3} (?:just )?in case\b/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'indirect',
      guards: ['joke'],
      patterns: [
        /\b(?:ill|i will|im gonna|im going to|i should|i might) (?:probably )?be (?:dead|gone) (?:soon|before long) anyway\b/,
      ],
    },
    {
      kind: 'self-harm',
      statement: 'direct',
      guards: ['accident', 'game'],
      patterns: [
        /\b(?:cut|cutting|cuts|burn|burned|burnt|burning|hurt|hurting|harm|harming|hit|hitting|punch|punching|scratch|scratching|bite|biting|starve|starving|carve|carving) (?:my ?self|my (?:arms?|wrists?|legs?|thighs?|skin|stomach))\b/,
        /\bself ?harm(?:ing|ed)?\b(?! (?:awareness|charity|resources)\b)/,
        /\b(?:started|start|been|keep|kept|back to|went back to|relapsed|relapsing) (?:and )?(?:started )?(?:cutting|burning|sh)(?: again)?\b(?= *$| (?:again|last night|tonight|today|rn|every|since|more)\b)/,
        /\brelapsed (?:on|with|into) (?:sh|self harm|cutting)\b/,
        /(?:^|\b(?:i|ive|i just|just|and|so) )(?:cut|burned|burnt) (?:again|deep|deeper|last night|tonight|today)\b/,
      ],
    },
    {
      kind: 'self-harm',
      statement: 'indirect',
      patterns: [
        /\b(?:urge|urges|want|wanna|need|itching) to (?:grab|use|get|hold) (?:the|my|a) (?:razor|blade|lighter)\b/,
        /\burges? to (?:cut|burn|sh)\b/,
        /\b(?:hid|hide|hiding|keep|keeping) (?:the |my )?(?:blades?|razors?) (?:in|under)\b/,
        /\bfresh (?:cuts|marks|wounds)\b/,
        /\b(?:cuts|burns) (?:all )?(?:on|over) my (?:arms?|wrists?|legs?|thighs?|stomach)\b/,
        /\bwhat i (?:did|do|have done|ve done|been doing|keep doing) to my (?:arms?|wrists?|thighs?)\b/,
        /\b(?:hide|hiding|cover|covering|covers) (?:up )?(?:the |my )?(?:fresh |new )?(?:cuts|wounds|self harm marks|sh marks)\b/,
        /\b(?:blade|blades|razor blade|razor blades) (?:is |are |s )?(?:right )?(?:next to|beside|in front of|in) (?:me|my hand)\b/,
        /\b(?:holding|grabbed|picked up) (?:the |a |my )?(?:blade|razor blade)s?\b/,
      ],
    },
    {
      kind: 'imminent-danger',
      statement: 'direct',
      guards: ['hyperbole'],
      patterns: [
        /\b(?:he|she|hes|shes|hell|shell|they|theyre|someone|somebody|this (?:guy|man|woman)|my (?:husband|wife|boyfriend|bf|girlfriend|gf|partner|dad|father|stepdad|stepfather|mom|mum|mother|stepmom|brother|ex|uncle|roommate|son|fiance))(?: is| s| are| just)? (?:going to|gonna|will|wants to|want to|is trying to|trying to|tried to|threatened to|threatening to|threatens to|said hell|says hell|said he would|said she would) (?:kill|hurt|murder|stab|shoot|strangle|choke|beat) me\b/,
        /\b(?:he|she|they|someone|my (?:husband|wife|boyfriend|bf|girlfriend|gf|partner|dad|father|stepdad|mom|mum|mother|ex))(?: has| s got| just got| is holding| pulled| grabbed) (?:a |his |her |the )?(?:knife|gun|weapon|pistol|rifle)\b/,
        /\b(?:someone|somebody|a man|a guy|he) (?:is |s )?(?:breaking|trying to break|broke) in(?:to)?\b/,
        /\b(?:outside|at the door|at my door|in the house|in my house|downstairs|here)(?: \w+){0,2} with a (?:gun|knife|weapon)\b/,
        /\bthreaten(?:s|ed|ing)? (?:me )?with (?:a |his |her )?(?:gun|knife|weapon)\b/,
        /\b(?:took|taken|swallowed|downed|popped|had|taking|swallowing) (?:a whole|an entire|the whole|the entire|a full|all (?:of )?(?:my|the)|every|like [1-9]\d+|[1-9]\d+|too many|a bunch of|a handful of|loads of|way too many|dozens of|a dozen|twenty|thirty|forty|fifty)(?: \w+){0,3}? (?:pills|tablets|meds|medication|medicine|sleeping pills|painkillers|paracetamol|tylenol|advil|ibuprofen|xanax|insulin|antidepressants|benzos)\b/,
        /\b(?:i|just|i just|ive) (?:overdosed|odd)\b(?! on (?:coffee|caffeine|sugar|chocolate|candy|netflix|tv|anime|love)\b)/,
        /\b(?:im|i am) (?:standing |sitting )?(?:on|at) (?:the )?(?:edge of the |ledge of the )?(?:bridge|ledge|roof|rooftop|railing|tracks|train tracks|edge)\b(?! of (?:the |my )?(?:bed|couch|sofa|seat|chair|bath|tub|pool)\b)/,
        /\b(?:standing|sitting|stood|sat|climbed|climbing) (?:up )?(?:on|at|onto|over) (?:the )?(?:edge|ledge|railing|top) of (?:the |a |my |this )?(?:\w+ )?(?:bridge|roof|rooftop|building|garage|balcony|cliff|tower|overpass|skyscraper|car park|parking deck)\b/,
      ],
    },
    {
      kind: 'imminent-danger',
      statement: 'direct',
      guards: ['joke'],
      patterns: [
        /\b(?:hes|shes|he is|she is|they are|theyre|hes been|shes been|is|are|keeps|started) (?:hitting|beating|choking|strangling|hurting|attacking|kicking|stabbing) (?:me|us|my (?:mom|mum|mother|sister|brother|dad|little \w+|baby|kids?))\b/,
        /\b(?:pointing|pointed|points|aiming|aimed|holding|held|waving|pressing|pressed|put) (?:a |his |her |the |their )?(?:gun|knife|pistol|rifle|weapon|blade) (?:at|to|against) (?:me|my (?:head|face|throat|neck|chest))\b/,
      ],
    },
    {
      kind: 'imminent-danger',
      statement: 'indirect',
      patterns: [
        /\b(?:locked|hiding|hid|barricaded) (?:my ?self )?in (?:the |my )?(?:bathroom|closet|room|bedroom|car)\b/,

        /\b(?:hes|shes|he is|she is|they are|someone is) (?:banging|pounding|kicking|hammering) (?:on )?(?:the |my )?door\b/,
        /\b(?:im|i am) (?:being )?(?:followed|stalked) (?:right now|rn|home|by)\b/,
        /\b(?:someone|somebody|some guy|a guy|a man|a stranger|my ex|he|she|they)(?: \w+){0,2}? (?:keeps|kept|is|are|s|has been|been) (?:trying|jiggling|rattling) (?:to open |to get in(?:to)? |to break (?:in(?:to)?|open) )?(?:my|the) (?:front |back |bedroom )?(?:door|window|doorknob|door handle|lock)\b/,
      ],
    },
  ],
  negations: [
    'not',
    'never',
    'dont',
    'didnt',
    'doesnt',
    'wont',
    'wouldnt',
    'isnt',
    'arent',
    'havent',
    'hasnt',
    'no',
    'nor',
    'neither',
    'used',
  ],
  negationsAfter: [],
  negationAfterWindow: 0,
  fillers: [
    'i',
    'im',
    'ive',
    'id',
    'ill',
    'would',
    'will',
    'am',
    'really',
    'ever',
    'even',
    'honestly',
    'just',
    'going',
    'gonna',
    'to',
    'want',
    'wanna',
    'do',
    'be',
    'actually',
    'seriously',
    'definitely',
    'literally',
    'def',
    'try',
    'trying',
    'ok',
    'okay',
    'swear',
    'promise',
    'gon',
    'so',
  ],
  media:
    /\b(?:movie|movies|film|films|song|songs|lyrics?|episode|series|show|tv|book|novel|character|characters|article|news|podcast|documentary|anime|manga|game|scene|play|poem|meme|quote)\b/,
  quoting:
    /\b(?:sings?|sang|singing|says|said|goes|called|titled|named|lyrics?|line|lines|quote)\b/,
  conditionBefore: /\b(?:if|when|unless)\b/,
  past: /\b(?:years? ago|months? ago|when i was|back when|back in|as a (?:kid|teen|teenager|child)|in (?:high school|middle school|college)|at (?:age )?1\d\b)/,
  accident:
    /\b(?:shaving|cooking|chopping|cutting (?:onions?|veggies|vegetables|bread|paper)|by accident|accidentally|accident|stove|oven|pan|iron|curling iron|kitchen|gym|playing|football|soccer|basketball|skating|slipped|fell|tripped|paper|cat|dog|workout|hiking|fixing|repairing)\b/,
  recovery:
    /\b(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|several) (?:days?|weeks?|months?|years?) (?:clean|free|without (?:cutting|self harm(?:ing)?|sh|hurting myself|harming myself))\b|\b(?:clean|free) (?:from|of) (?:self harm(?:ing)?|sh|cutting)\b|\b(?:sh|self harm|cutting) free\b/,
  relapse: /\b(?:relaps\w*|slipped|again|cant stop|cant go)\b/,
  clauseStartsAfter: [],
  partner: /\b(?:husband|wife|boyfriend|bf|girlfriend|gf|partner|ex|fiance|fiancee)\b/,
  // A condition, or what the person did, said right after: "when she sees my grades", "i broke it".
  hyperboleAfter:
    /\b(?:if|when|once|unless|because|cuz|cause)\b(?! i (?:leave|left|try to leave|tell|told|call|called|report|go to the police|break up|talk to)\b)|\bfor (?!leaving|telling|calling|reporting|talking|breaking up)\w+|\bi (?:broke|lost|forgot|failed|missed|crashed|spent|ate|dented|ruined|scratched|flunked|wrecked|spilled)\b/,
  hyperboleBefore:
    /\b(?:this|that|these|those|the) (?:exam|test|job|class|homework|heat|traffic|work|week|day|semester|course|project)\b/,
};

const es: LanguagePhrases = {
  families: [
    {
      kind: 'imminent-danger',
      statement: 'direct',
      negationIsPart: true,
      patterns: [
        /\bno (?:estoy|me siento) (?:segura|seguro|a salvo)\b(?= *$| (?:en (?:mi |la )?casa|aqui|ahora|con el|con ella)\b)/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'direct',
      guards: ['laughing-condition', 'game'],
      patterns: [
        /\b(?:quiero|voy a|vaya a|pienso en|ganas de|deseo|necesito|intentar|decidi|decidido|pensando en|pense en|tratar de|planeo|puedo|podria) (?:\w+ )?(?:matarme|suicidarme|quitarme la vida)\b/,
        /\b(?:matandome|suicidandome|quitandome la vida)\b/,
        /\b(?:esta noche|manana|ya|hoy mismo|pronto|ahora mismo|este finde|el finde) me mato\b(?! de\b)/,
        /\bme (?:quiero|voy a|vaya a|tengo que|pienso|puedo|podria|gustaria) (?:\w+ )?(?:matar|suicidar|quitar la vida)\b/,
        /\b(?:acabar|terminar|acabo|termino|acabare|terminare) con mi (?:propia )?vida\b/,
        /\bme (?:quito|quitare) la vida\b/,
        /\b(?:quiero|quisiera|voy a|tengo ganas de|ganas de|deseo) (?:\w+ )?morir(?:me)?\b(?! de (?:la |el )?(?:verguenza|risa|ganas|hambre|sueno|aburrimiento|calor|frio|pena|envidia|amor|asco|miedo|cansancio|nervios)\b)/,
        /\bme quiero morir\b(?! de (?:la |el )?(?:verguenza|risa|ganas|hambre|sueno|aburrimiento|calor|frio|pena|envidia|amor|asco|miedo|cansancio|nervios)\b)/,
        /\b(?:pienso|pensando|pense|pensar|pensamientos?|ideas?) (?:\w+ ){0,2}?(?:en )?(?:el )?suicid(?:io|arme)\b/,
        /\b(?:pensamientos|ideas) suicidas\b/,
        /\b(?:soy|estoy|me siento) (?:\w+ )?suicida\b/,
        /\b(?:me voy a|me quiero|voy a|quiero) (?:tirar|lanzar|aventar|arrojar)(?:me)? (?:del|de un|de una|de la|desde el|desde la|desde un|por la|al|a las|a la) (?:puente|edificio|balcon|ventana|azotea|tren|metro|vias|techo|acantilado|terraza)\b/,
        /\b(?:acabar|acabo|acabare|terminar|termino) con todo\b(?! (?:el|la|lo|los|las|esto|eso|este|esta)\b)/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'direct',
      negationIsPart: true,
      patterns: [
        /\bno quiero (?:seguir )?(?:vivir|viviendo|estar viva|estar vivo)\b(?! (?:en|con|asi|aqui|alli|ahi|cerca|junto|sola|solo)\b)/,
        /\bno quiero vivir mas\b/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'indirect',
      negationIsPart: true,
      patterns: [
        /\b(?:dormir(?:me)?|acostarme) y no (?:volver a )?despertar(?:me)?\b/,
        /\bno (?:despertar|despertarme) (?:nunca|mas|jamas)\b/,
        /\bojala (?:no )?(?:despertar|despertarme|amanecer)\b/,
        /\bsi (?:yo )?no existiera\b/,
        /\bno quiero despertar(?:me)? (?:manana|mas|nunca)\b/,
        /\bno tiene sentido (?:seguir )?(?:viviendo|vivir|seguir)\b/,
        /\b(?:manana|pronto|la semana que viene) (?:ya )?no (?:voy a|vaya a|vas a) estar (?:aqui|mas)\b(?! (?:porque|que|me voy|de viaje)\b)/,
        /\bno (?:hay|tengo) (?:ninguna )?razon(?:es)? para (?:seguir|vivir)\b/,
        /\bdesaparecer y no volver (?:nunca|jamas)\b/,
        /\bno (?:tengo|me quedan) (?:mas )?fuerzas? (?:para|de) (?:seguir|vivir|seguir viviendo)\b/,
        /\bno (?:\w+ ){0,2}?(?:que|a) (?:preocuparse|preocuparte|preocuparos) por mi (?:mas|nunca mas)\b/,
        /\bno (?:\w+ ){0,2}?(?:que|a) (?:aguantarme|soportarme|lidiar conmigo) (?:por mucho tiempo|mucho mas|mucho tiempo mas)\b/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'indirect',
      patterns: [
        /\bmejor sin mi\b/,
        /\b(?:tengo|ya tengo|he juntado|guardo|estoy guardando|junte|guarde) (?:las |mis |unas |todas las )?(?:pastillas|pildoras|cuerda|soga)(?: \w+)? (?:preparadas|listas|preparada|lista|guardadas)\b/,
        /\b(?:pastillas|pildoras|cuerda|soga) (?:ya )?(?:preparadas|listas)\b/,
        /\b(?:cartas?|nota|notas|mensaje) de (?:despedida|suicidio)\b/,
        /\b(?:es|sera|esta es) mi ultima noche\b(?! (?:en|de|del|con|aqui)\b)/,
        /\bpara que seguir viviendo\b/,
        /\b(?:nadie|ni cuenta|mas facil|mejor)(?: \w+){0,5} si (?:yo )?(?:desapareciera|me muriera|no estuviera|ya no estuviera|me matara|me fuera para siempre|me muero|desaparezco|me mato|ya no estoy|no estoy)\b/,
        /\bsoy una carga\b/,
        /\bque (?:todo )?(?:se acabe|termine|pare|acabe) (?:para siempre|de una vez|ya de una vez)\b/,
        /\bdesaparecer para siempre\b/,
        /\bmas (?:feliz|felices|tranquilos|tranquila|tranquilo) sin mi\b/,
        /\b(?:quiero|quisiera|queria) dormir para siempre\b/,
        /\b(?:cuantas|cuantos) (?:pastillas|pildoras|paracetamol)(?: \w+){0,3} (?:para morir|necesito|hacen falta|mata)\b/,
        /\b(?:regale|regalando|regalar|he regalado|reparti|repartiendo|repartir|estoy dando|done|donando) (?:todas )?(?:mis|todas mis) (?:cosas|pertenencias)\b(?! (?:viejas|usadas|de antes|que ya no uso)\b)/,
        /\bcartas?\b(?: \w+){0,4} por si (?:acaso|me pasa algo|algo me pasa|ya no estoy)\b/,
      ],
    },
    {
      kind: 'self-harm',
      statement: 'direct',
      guards: ['accident', 'game'],
      patterns: [
        /(?<!\b(?:va|van|quiere|quieren) a )\bme (?:corto|estoy cortando|volvi a cortar|he vuelto a cortar|he cortado|hago dano|hice dano|he hecho dano|estoy haciendo dano|lastimo|lastime|estoy lastimando|quemo|he quemado|autolesiono|pego)\b/,
        /\bme corte\b(?! (?:el|la|las|los|un|una) (?:pelo|unas|flequillo|dedo|barba|cabello)\b)/,
        /\bme queme\b(?= *$| (?:a proposito|otra vez|de nuevo|los|las|el brazo|con (?:un |el )?(?:cigarro|mechero|encendedor))\b)/,
        /(?<!\b(?:va|van|quiere|quieren|puede) a )\b(?:cortarme|hacerme dano|lastimarme|autolesionarme|quemarme|cortandome|haciendome dano|lastimandome|quemandome|autolesionandome)\b/,
        /\bautolesion(?:es|arme)?\b/,
        /\b(?:haciendo|hago|hice|hacerme|me hago|me hice|tengo) cortes (?:en (?:los|las|el|la|mis|mi) )?(?:brazos?|piernas?|munecas?|muslos?|barriga)\b/,
      ],
    },
    {
      kind: 'self-harm',
      statement: 'indirect',
      patterns: [
        /\bganas de (?:cortarme|agarrar la cuchilla|usar la cuchilla)\b/,
        /\b(?:cortes|heridas) (?:nuevos|nuevas|frescos|frescas)\b/,
        /\b(?:cuchilla|cuchillas|hoja de afeitar|gillette|navajita)\b(?: \w+){0,3}? (?:en la mano|en mi mano|a mi lado|al lado mio|junto a mi|lista|preparada)\b/,
      ],
    },
    {
      kind: 'imminent-danger',
      statement: 'direct',
      guards: ['hyperbole'],
      patterns: [
        /\bme (?:va|van|quiere|quieren) (?:a )?(?:matar|hacer dano|pegar|apunalar)\b/,
        /\b(?:va|van|quiere|quieren) a matarme\b/,
        /\b(?:amenaza|amenazo|amenazando) con matarme\b/,
        /\b(?:amenaza|amenazo|amenazando|amenazandome) con (?:un|una|el|la) (?:cuchillo|navaja|pistola|arma)\b/,
        /\b(?:me esta|me estan) (?:pegando|golpeando|ahorcando|estrangulando)\b/,
        /\b(?:tiene|saco|agarro) (?:un|una) (?:cuchillo|navaja|pistola|arma)\b/,
        /\b(?:afuera|fuera|en la puerta|aqui|en (?:mi )?casa|abajo)(?: \w+){0,4} con (?:un|una) (?:pistola|cuchillo|navaja|arma)\b/,
        /\b(?:me tome|me he tomado|tome|trague|me trague|me acabo de tomar|acabo de tomar|acabo de tragar|me he tragado|he tragado) (?:todo el bote|toda la caja|todas (?:las|mis)|un bote entero|una caja entera|todo el blister|muchas|una docena de|[1-9]\d+)(?: \w+){0,2}? (?:pastillas|pildoras|medicamentos|medicinas|remedios|calmantes|somniferos|paracetamol|ibuprofeno|orfidal)\b/,
        /\b(?:estoy|me encuentro) (?:en el|en la|al borde del) (?:puente|borde|azotea|vias|cornisa)\b/,
      ],
    },
    {
      kind: 'imminent-danger',
      statement: 'indirect',
      patterns: [
        /\bme (?:encerre|escondi|estoy escondiendo|he encerrado|estoy encerrada|estoy encerrado) en (?:el|la|mi) (?:bano|habitacion|cuarto|armario|coche)\b/,
        /\b(?:esta|estan) (?:golpeando|pateando|aporreando) la puerta\b/,
        /\b(?:estoy|sigo|estamos) (?:encerrada|encerrado|escondida|escondido|encerrados|escondidos) en (?:el|la|mi) (?:bano|habitacion|cuarto|armario|coche|closet)\b/,
      ],
    },
  ],
  negations: ['no', 'nunca', 'jamas', 'tampoco', 'ni'],
  negationsAfter: [],
  negationAfterWindow: 0,
  fillers: [
    'yo',
    'me',
    'ya',
    'voy',
    'vaya',
    'a',
    'quiero',
    'quisiera',
    'pienso',
    'haria',
    'hare',
    'lo',
    'te',
    'de',
    'en',
    'ganas',
    'tengo',
    'intencion',
    'realmente',
    'tranqui',
    'eh',
    'te',
    'lo',
    'prometo',
  ],
  media:
    /\b(?:pelicula|peli|pelis|peliculas|cancion|canciones|letra|episodio|capitulo|serie|libro|novela|personaje|noticia|noticias|articulo|podcast|documental|anime|juego|escena|poema|meme|telediario)\b/,
  quoting: /\b(?:canta|cantaba|dice|decia|dijo|llamada|llamado|titulada|titulado|letra|frase)\b/,
  conditionBefore: /\b(?:si|cuando)\b/,
  past: /\b(?:hace (?:\w+ )?(?:anos|ano|meses|mes)|cuando era|cuando tenia|de (?:pequena|pequeno|nina|nino|joven|adolescente)|en el (?:insti|instituto|colegio)|antes (?:me|solia)|solia)\b/,
  accident:
    /\b(?:afeitando(?:me)?|afeitandome|cocinando|cortando (?:cebolla|pan|verdura)|sarten|horno|plancha|sin querer|por accidente|jugando|gimnasio|cocina|fogon|olla|me cai|tropece)\b/,
  recovery:
    /\b(?:\d+|un|una|dos|tres|cuatro|cinco|seis|unos|unas|varios|varias) (?:dias?|semanas?|mes|meses|ano|anos) (?:sin (?:cortarme|lastimarme|hacerme dano|autolesionarme|autolesiones|cortes)|limpia|limpio)\b/,
  relapse: /\b(?:recai\w*|otra vez|de nuevo|volvi a|no puedo|no aguanto)\b/,
  clauseStartsAfter: [],
  partner: /\b(?:marido|esposo|esposa|novio|novia|pareja|ex)\b/,
  hyperboleAfter:
    /\b(?:si|cuando|como|porque|xq)\b(?! (?:lo |la |le )?(?:dejo|deje|denuncio|cuento|llamo|me voy|hablo|digo)\b)|\bpor (?!dejarlo|dejarla|denunciarlo|denunciarla|contarlo|irme)\w+|\b(?:rompi|perdi|olvide|reprobe|suspendi|choque|gaste|raye|estrelle|manche)\b/,
  // Not "esta": without its accent it is also "está" ("mi ex esta afuera").
  hyperboleBefore: /\b(?:este|esto|ese|esa|eso|estos|estas|esos|esas)\b(?: \w+){0,2} *$/,
};

const fr: LanguagePhrases = {
  families: [
    {
      kind: 'imminent-danger',
      statement: 'direct',
      negationIsPart: true,
      patterns: [/\b(?:suis|sens|sent) (?:pas|plus) en securite\b/],
    },
    {
      kind: 'suicidal-intent',
      statement: 'direct',
      guards: ['laughing-condition', 'game'],
      patterns: [
        /(?<!\b(?:va|vont|veut|veulent|voulait|allait|pourrait|menace de|essaie de|essaye de|a essaye de) )\bme (?:tuer|suicider|foutre en lair|buter|flinguer|pendre|jeter sous)\b/,
        /\b(?:je veux|veux|j ?ai envie|envie|je vais|vais|je voudrais|voudrais|besoin|j ?aimerais) (?:\w+ )?(?:de )?(?:mourir|crever)\b(?! de (?:honte|rire|faim|soif|envie|ennui|fatigue|froid|chaud|peur|sommeil)\b)/,
        /\bmettre (?:fin|un terme) (?:a )?(?:mes jours|ma vie)\b/,
        /\bd?en finir\b(?= *$| avec (?:la vie|ma vie|tout)\b| (?:ce soir|maintenant|aujourd ?hui|une bonne fois|pour de bon|cette nuit|demain)\b)/,
        /\b(?:je pense|pense|penser|pensees?|idees?) (?:\w+ ){0,2}?(?:au|a me|a) (?:suicide|suicider|tuer)\b/,
        /\b(?:idees|pensees) (?:suicidaires|noires)\b/,
        /\b(?:je suis|suis|je me sens|me sens) (?:\w+ )?suicidaire\b/,
        /\b(?:je vais|vais|je veux|veux|envie de) (?:me )?(?:jeter|sauter) (?:du|d ?un|de la|d ?une|par la|sous (?:un|le))\b/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'direct',
      negationIsPart: true,
      patterns: [
        /\b(?:veux|voulais|ai|jai) (?:plus|pas) (?:envie de )?vivre\b(?! (?:a|au|chez|en|avec|dans|comme|ici|la|seule?)\b)/,
        /\bne (?:veux|voulais) (?:plus|pas) vivre\b(?! (?:a|au|chez|en|avec|dans|comme|ici|la|seule?)\b)/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'indirect',
      negationIsPart: true,
      patterns: [
        /\bm ?endormir et (?:ne )?(?:jamais|plus|pas) (?:me )?reveiller\b/,
        /\bne (?:plus|jamais|pas) me reveiller\b/,
        /\b(?:demain|bientot|ce soir) je (?:ne )?(?:serai|serais) (?:plus|pas) la\b/,
        /\b(?:je serai|serai) plus la (?:demain|bientot)\b/,
        /\b(?:sert|servirait) a rien de (?:continuer (?:a |de )?)?vivre\b/,
        /\b(?:plus|aucune|pas de) (?:aucune )?raison de (?:vivre|continuer)\b/,
        /\b(?:plus|pas) (?:la force|le courage|l ?envie|envie|la volonte) de (?:vivre|continuer)\b/,
        /\bsi (?:je |j )?(?:n ?)?existais (?:pas|plus)\b/,
        /\b(?:aurez|aurais|auras|aura|auront) (?:plus|pas|bientot plus|jamais plus) (?:a|besoin de) (?:vous inquieter pour moi|t ?inquieter pour moi|vous soucier de moi|vous occuper de moi)\b/,
        /\b(?:bientot|demain)\b(?: \w+){0,3}? (?:aurez|aurais|auras|aura|auront) (?:plus|pas) (?:a|besoin de) (?:me supporter|me subir|me gerer)\b|\b(?:aurez|auras|aura|auront) plus (?:a|besoin de) (?:me supporter|me subir|me gerer) (?:bientot|longtemps)\b/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'indirect',
      patterns: [
        /\bmieux sans moi\b/,
        /\b(?:prepare|j ?ai prepare|garde|j ?ai garde|mis de cote|stocke|j ?ai stocke|accumule) (?:les|mes|des|tous les|toutes les|tous mes|toutes mes) (?:cachets|medocs|medicaments|comprimes|pilules|corde|somniferes)\b/,
        /\b(?:cachets|medocs|medicaments|comprimes|pilules|corde) (?:sont )?(?:prets|prete|pretes|prepares)\b/,
        /\b(?:lettres?|mots?|message) d ?adieu\b/,
        /\b(?:c ?est|cest|ce sera) ma derniere nuit\b(?! (?:a|au|en|ici|chez|avec|de)\b)/,
        /\bpersonne (?:ne )?(?:\w+ ){0,3}?(?:remarquerait|verrait|sen rendrait compte|me regretterait|manquerait|remarquera)(?: \w+){0,3}? si je (?:\w+ ){0,2}?(?:disparaissais|mourais|partais|etais plus la|netais plus la)\b/,
        /\b(?:je suis|suis) (?:\w+ ){0,2}?(?:un fardeau|une charge|un poids) (?:pour|a)\b/,
        /\bque tout s ?arrete (?:pour de bon|pour toujours|definitivement|une bonne fois)\b/,
        /\bdisparaitre pour toujours\b/,
        /\b(?:plus heureux|plus heureuse|plus heureuses|plus tranquilles?) sans moi\b/,
        /\bdisparaitre et (?:ne )?jamais revenir\b/,
        /\b(?:je veux|veux|jaimerais|j aimerais|je voudrais|envie de) (?:juste )?dormir pour (?:toujours|de bon)\b/,
        /\bcombien de (?:cachets|medocs|medicaments|comprimes|doliprane|paracetamol)(?: \w+){0,3} (?:pour mourir|faut|mortel|tuer)\b/,
      ],
    },
    {
      kind: 'self-harm',
      statement: 'direct',
      guards: ['accident', 'game'],
      patterns: [
        /\bje me (?:scarifie|mutile|fais du mal|fais mal expres|coupe|brule|tape)\b/,
        /\bje me suis (?:\w+ )?(?:scarifiee?|mutilee?|fait du mal|coupee?|brulee?)\b(?! (?:les|la|le) (?:cheveux|ongles|frange|doigt|barbe)\b)/,
        /(?<!\b(?:va|vont|veut|veulent) )\bme (?:scarifier|mutiler|faire du mal|couper les (?:bras|poignets|veines|cuisses))\b/,
        /\bm ?automutil\w*\b/,
        /\bscarifications?\b/,
        /\b(?:je me fais|je me suis fait|me faire|jme fais) des (?:coupures|entailles|brulures)\b/,
      ],
    },
    {
      kind: 'self-harm',
      statement: 'indirect',
      patterns: [
        /\benvie de (?:me scarifier|prendre (?:la|une) lame)\b/,
        /\b(?:coupures|plaies) (?:fraiches|recentes)\b/,
        /\b(?:cache|caches|cachee|cachees|planque|planques|planquee|planquees) (?:des|mes|les|une|la|deux|quelques) (?:lames?|rasoirs?)\b/,
        /\b(?:lames?|rasoirs?)\b(?: \w+){0,5}? (?:a cote de moi|dans (?:la|ma) main|pretes?)\b/,
      ],
    },
    {
      kind: 'imminent-danger',
      statement: 'direct',
      guards: ['hyperbole'],
      patterns: [
        /\b(?:va|vont|veut|veulent|menace de|a menace de|essaie de|essaye de) me (?:tuer|buter|frapper|faire du mal|etrangler)\b/,
        /\b(?:il|elle|ils) (?:me frappe|me tape|m ?etrangle|me bat|est en train de me frapper)\b/,
        /\b(?:il|elle|ils) (?:a|ont) (?:un|une) (?:couteau|flingue|arme|pistolet|fusil)\b/,
        /\b(?:devant|derriere) (?:ma|la) porte(?: \w+){0,3} avec (?:un|une) (?:couteau|arme|flingue|pistolet|fusil|hache)\b/,
        /\bme menace (?:avec|d ?un|d ?une) (?:un |une )?(?:couteau|arme|flingue|pistolet|fusil)\b/,
        /\b(?:pris|avale|avaler|davaler|gobe) (?:toute (?:la |le |les |mes |ma )?|tous (?:les |mes )|toutes (?:les |mes )|une boite entiere de |la boite entiere de |trop de |plein de |une \w+aine de |[1-9]\d+ )(?:\w+ ){0,2}?(?:medocs|medicaments|cachets|comprimes|pilules|somniferes|doliprane|paracetamol|xanax|anxiolytiques)\b/,
        /\b(?:je suis|suis) (?:sur le|au bord du) (?:pont|toit|rebord|bord)\b/,
      ],
    },
    {
      kind: 'imminent-danger',
      statement: 'indirect',
      patterns: [
        /\b(?:enfermee?|cachee?|refugiee?) dans (?:la|ma|les) (?:salle de bain|chambre|toilettes|placard|voiture)\b/,
        /\b(?:il|elle|ils) (?:tape|frappe|cogne|defonce) (?:a|contre|sur) la porte\b/,
      ],
    },
  ],
  // Not "plus" before a phrase: "j'en peux plus je veux mourir" is the commonest way to say it.
  negations: ['ne', 'n', 'pas', 'jamais', 'aucune', 'nan', 'non'],
  negationsAfter: ['pas', 'plus', 'jamais'],
  negationAfterWindow: 1,
  fillers: [
    'je',
    'j',
    'me',
    'm',
    'vais',
    'veux',
    'voudrais',
    'vraiment',
    'suis',
    'ai',
    'jai',
    'envie',
    'de',
    'd',
    'pense',
    'penser',
    'a',
    'te',
    'hein',
    'promis',
    'ferais',
    'ferai',
  ],
  media:
    /\b(?:film|films|chanson|chansons|paroles|episode|serie|livre|roman|personnage|article|infos|journal|podcast|documentaire|anime|manga|jeu|scene|poeme|meme|citation)\b/,
  quoting:
    /\b(?:chante|chantait|dit|disait|appelee?|intitulee?|paroles|phrase|replique|citation)\b/,
  conditionBefore: /\b(?:si|quand)\b/,
  past: /\b(?:il y a (?:\w+ )?(?:ans|an|mois)|quand j ?etais|quand j ?avais|(?:a|au) (?:college|lycee)|ado|avant je|autrefois|a l ?epoque)\b/,
  accident:
    /\b(?:en cuisinant|en me rasant|rasant|cuisine|four|poele|plaque|fer a repasser|par accident|sans faire expres|en coupant|bricolage|en jouant|sport|en tombant|tombee?)\b/,
  recovery:
    /\b(?:\d+|un|une|deux|trois|quatre|cinq|six|quelques|plusieurs) (?:jours?|semaines?|mois|ans?) (?:sans (?:me scarifier|me couper|me faire du mal|scarification|automutilation)|clean)\b|\bclean depuis\b/,
  relapse: /\b(?:rechut\w*|encore|de nouveau|recommence\w*|peux pas|arrive pas)\b/,
  clauseStartsAfter: [],
  partner: /\b(?:mari|copain|copine|conjoint|conjointe|compagnon|compagne|ex|femme)\b/,
  hyperboleAfter:
    /\b(?:si|quand|lorsque|parce)\b(?! (?:je |j )?(?:pars|le quitte|la quitte|porte plainte|le dis|lui dis|appelle|parle|men vais)\b)|\bj ?ai (?:rate|casse|perdu|oublie|loupe|raye|abime|foire|crame|bousille|defonce|nique)\b/,
  hyperboleBefore: /\b(?:ce|cet|cette|ces|ca)\b(?: \w+){0,2} *$/,
};

const de: LanguagePhrases = {
  families: [
    {
      kind: 'imminent-danger',
      statement: 'direct',
      negationIsPart: true,
      patterns: [
        /\bich bin (?:\w+ ){0,2}?(?:zuhause|zu hause|daheim|hier|bei ihm|bei ihr)(?: \w+){0,2}? nicht (?:mehr )?sicher\b(?! (?:ob|wie|was|wann|wo|welche)\b)/,
        /\bich (?:bin|fuhle mich) (?:hier |gerade |jetzt )?nicht (?:mehr )?sicher (?:zuhause|zu hause|daheim|hier|bei ihm|bei ihr)\b/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'direct',
      guards: ['laughing-condition', 'game'],
      patterns: [
        /\bich (?:(?!er |sie )\w+ ){0,3}?mich (?:\w+ ){0,3}?(?:umbringen|umzubringen|toten|erschiessen|erhangen|aufhangen|vergiften)\b/,
        /\bich (?:bring|bringe) mich (?:\w+ ){0,3}?um\b/,
        /\bich (?:\w+ ){0,2}?(?:spring|springe|werfe mich|schmeiss mich) (?:\w+ ){0,2}?(?:von|vor|aus) (?:der|dem|einem|einer|den|die|das) (?:brucke|dach|hochhaus|zug|balkon|fenster|klippe|gleise|u bahn|ubahn)\b/,
        /\b(?:will|mochte|wurde gern|wurde lieber|werde) (?:\w+ )?(?:sterben|tot sein)\b(?! vor (?:scham|lachen|langeweile|hunger|angst|hitze)\b)/,
        /\b(?:denk|denke|dachte|denken|gedanken) (?:\w+ ){0,3}?an (?:selbstmord|suizid)\b/,
        /\b(?:suizidgedanken|selbstmordgedanken)\b/,
        /\bich bin (?:\w+ )?(?:suizidal|suizidgefahrdet|lebensmude)\b/,
        /\bmir (?:\w+ ){0,3}?(?:das leben (?:nehmen|zu nehmen)|mein leben (?:beenden|zu beenden))\b/,
        /\bmein leben (?:\w+ )?(?:beenden|zu beenden)\b/,
        /\bpulsadern (?:\w+ )?(?:aufschneiden|aufzuschneiden|aufgeschnitten)\b/,
        /\bschluss (?:machen )?mit (?:allem|dem leben|meinem leben)\b/,
        /\b(?:heute nacht|heute|morgen|jetzt|bald|gleich) (?:mach|mache) ich schluss\b(?! mit\b)/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'direct',
      negationIsPart: true,
      patterns: [
        /\b(?:will|mochte|kann|wollte) (?:\w+ )?nicht mehr leben\b/,
        /\bkein(?:e|en)? (?:lust|bock) (?:mehr )?(?:zu leben|auf das leben|aufs leben|auf leben)\b/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'indirect',
      negationIsPart: true,
      patterns: [
        /\b(?:einschlafen|schlafen) und nie (?:wieder|mehr) aufwachen\b/,
        /\b(?:nicht|nie) (?:mehr|wieder) aufwachen\b/,
        /\bkeinen sinn (?:mehr )?(?:zu leben|weiterzuleben|weiter zu leben)\b/,
        /\b(?:morgen|bald) bin ich nicht mehr da\b/,
        /\bnicht mehr (?:lange )?da sein\b/,
        /\bnicht mehr existieren\b/,
        /\b(?:keine kraft|nicht die kraft) mehr (?:zu leben|zum leben|weiterzumachen)\b/,
        /\bwenn es mich nicht (?:mehr )?(?:gabe|gab|geben wurde)\b/,
        /\b(?:musst|musstet|muss|werdet|wirst)(?: \w+){0,3}? (?:bald nicht mehr|nicht mehr lange) (?:ertragen|aushalten)\b/,
        /\bkeine sorgen mehr um mich\b/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'indirect',
      patterns: [
        /\bbesser (?:dran )?ohne mich\b/,
        /\bohne mich (?:\w+ ){0,2}?(?:besser dran|besser|glucklicher)\b/,
        /\b(?:meine|all meine|alle meine|meine ganzen) (?:sachen|besitztumer)(?: \w+){0,2}? (?:verschenkt|weggegeben|verteilt)\b/,
        /\bverschenke (?:\w+ )?(?:meine|alle meine|all meine) sachen\b/,
        /\bglucklicher ohne mich\b/,
        /\b(?:will|mochte) (?:einfach |nur )?fur immer schlafen\b/,
        /\b(?:tabletten|pillen|strick|seil) (?:\w+ ){0,2}?(?:bereit|parat)\b/,
        /\b(?:tabletten|pillen) (?:gesammelt|gehortet)\b/,
        /\babschiedsbrief(?:e)?\b/,
        /\b(?:meine|die) letzte nacht\b(?! (?:in|im|bei|hier|mit|auf|vor)\b)/,
        /\bwozu (?:noch )?(?:weiterleben|leben)\b/,
        /\b(?:niemand|keiner) (?:\w+ ){0,4}?(?:merken|vermissen|auffallen)(?: \w+){0,3}? wenn ich (?:\w+ ){0,3}?(?:weg|tot|verschwinde|sterbe|verschwunden)\b/,
        /\b(?:allen|fur alle) (?:\w+ ){0,2}?(?:eine )?last\b/,
        /\bbin (?:\w+ ){0,2}?eine last\b/,
        /\b(?:dass|das) (?:\w+ ){0,2}?(?:fur immer|endlich) aufhort\b/,
        /\bfur immer (?:verschwinden|weg sein)\b/,
        /\b(?:tu|tue) mir (?:\w+ )?(?:was|etwas) an\b/,
        /\bmir (?:was|etwas) (?:anzutun|antun)\b/,
        /\bwie viele (?:tabletten|pillen)(?: \w+){0,3} (?:todlich|sterben|um zu sterben|braucht)\b/,
      ],
    },
    {
      kind: 'self-harm',
      statement: 'direct',
      guards: ['accident', 'game'],
      patterns: [
        /\britze mich\b/,
        /\bmich (?:\w+ ){0,2}?(?:geritzt|ritzen)\b/,
        /\bmir (?:\w+ ){0,2}?(?:weh ?tun|wehzutun|weh zu tun|schaden)\b/,
        /\bverletze mich (?:\w+ )?(?:selbst|selber)\b/,
        /\bmich (?:\w+ ){0,2}?(?:selbst|selber) (?:verletzt|verletzen)\b/,
        /\bselbstverletzung\b/,
        /\bmich (?:\w+ ){0,2}?(?:absichtlich|extra|wieder|schon wieder) (?:verbrannt|geschnitten|verletzt)\b/,
        /\bich schneide mich\b/,
        /\b(?:arme|arm|handgelenke|handgelenk|beine|oberschenkel|haut) (?:\w+ )?(?:aufgeschnitten|aufgeritzt|geritzt|zerschnitten|zerkratzt)\b/,
        /\bschneide mir (?:\w+ ){0,2}?(?:die )?(?:arme|arm|handgelenke|beine|haut|pulsadern|oberschenkel) auf\b/,
      ],
    },
    {
      kind: 'self-harm',
      statement: 'indirect',
      patterns: [
        /\b(?:drang|lust) (?:\w+ )?(?:zu ritzen|mich zu ritzen|zur klinge)\b/,
        /\b(?:frische|neue) (?:schnitte|wunden|narben)\b/,
        /\b(?:klinge|klingen|rasierklinge|rasierklingen)\b(?: \w+){0,3}? (?:neben mir|in der hand|in meiner hand|bereit|parat)\b/,
      ],
    },
    {
      kind: 'imminent-danger',
      statement: 'direct',
      guards: ['hyperbole'],
      patterns: [
        /\b(?:er|sie|mein (?:mann|freund|vater|stiefvater|bruder|ex|partner)|meine (?:frau|freundin|mutter|partnerin|ex)) (?:\w+ ){0,2}?(?:wird|will|droht|versucht) (?:\w+ ){0,2}?mich (?:\w+ ){0,2}?(?:umzubringen|umbringen|toten|zu toten|schlagen|erstechen|erschiessen)\b/,
        /\b(?:er|sie|mein (?:mann|freund|vater|stiefvater|bruder|ex|partner)|meine (?:frau|freundin|mutter|partnerin|ex)) bringt mich (?:\w+ ){0,2}?um\b/,
        /\b(?:er|sie|mein (?:mann|freund|vater|stiefvater|bruder|ex|partner|sohn)|meine (?:frau|freundin|mutter|partnerin|ex)) (?:schlagt|wurgt|pruegelt|verpruegelt|pruegelt|tritt|bedroht|wurgt) mich\b/,
        /\b(?:er|sie|mein (?:mann|freund|vater|stiefvater|bruder|ex|partner|sohn)|meine (?:frau|freundin|mutter|partnerin|ex)) hat (?:\w+ )?(?:ein|eine|einen) (?:messer|waffe|pistole|gewehr)\b/,
        /\b(?:bedroht|droht) mich mit (?:einem|einer|dem|der) (?:messer|waffe|pistole|gewehr)\b/,
        /\bvor der tur(?: \w+){0,3} mit (?:einem|einer) (?:messer|waffe|pistole|gewehr|axt)\b/,
        /\b(?:die ganze|eine ganze|ne ganze|n ganze|alle (?:meine )?|zu viele|[1-9]\d+) (?:\w+ ){0,2}?(?:tabletten|pillen|medikamente|schlaftabletten|paracetamol|ibuprofen|beruhigungsmittel)(?: \w+){0,2}? (?:genommen|geschluckt|eingeworfen)\b/,
        /\bich (?:stehe|steh|sitze) (?:\w+ )?(?:auf der|auf dem|am) (?:brucke|dach|gleis|gleisen|gelander|rand)\b/,
      ],
    },
    {
      kind: 'imminent-danger',
      statement: 'indirect',
      patterns: [
        /\bmich (?:\w+ )?im (?:bad|badezimmer|klo|zimmer|schrank|auto) (?:eingeschlossen|eingesperrt|versteckt)\b/,
        /\b(?:er|sie) (?:hammert|schlagt|tritt) (?:\w+ )?gegen die tur\b/,
      ],
    },
  ],
  negations: ['nicht', 'nie', 'niemals', 'kein', 'keine', 'keinen', 'nichts'],
  negationsAfter: ['nicht', 'nie', 'niemals'],
  negationAfterWindow: 4,
  fillers: [
    'ich',
    'mich',
    'mir',
    'will',
    'werde',
    'wurde',
    'mochte',
    'konnte',
    'doch',
    'wirklich',
    'echt',
    'ja',
    'auf',
    'fall',
    'keine',
    'sorge',
    'versprochen',
  ],
  media:
    /\b(?:film|filme|lied|song|songtext|folge|serie|buch|roman|figur|artikel|nachrichten|news|podcast|doku|dokumentation|anime|spiel|szene|gedicht|meme|zitat)\b/,
  quoting: /\b(?:singt|sang|sagt|sagte|heisst|namens|zeile|zitat|songtext)\b/,
  conditionBefore: /\b(?:wenn|falls)\b/,
  past: /\b(?:vor (?:\w+ )?(?:jahren|jahr|monaten|monat)|als ich (?:\w+ ){0,2}war|als kind|als teenager|fruher|damals|in der schulzeit)\b/,
  accident:
    /\b(?:beim (?:rasieren|kochen|schneiden|sport|spielen|backen|basteln|putzen)|am herd|am ofen|herd|ofen|bugeleisen|aus versehen|versehentlich|gestolpert|hingefallen|kuche)\b/,
  recovery:
    /\b(?:ritzfrei|symptomfrei)\b|\b(?:\d+|ein|eine|einen|zwei|drei|vier|funf|sechs|paar|einige|mehrere) (?:tage?n?|wochen?|monate?n?|jahre?n?) (?:clean|ohne (?:ritzen|mich zu ritzen|selbstverletzung|mich zu verletzen))\b/,
  relapse: /\b(?:ruckfall\w*|wieder|schaff es nicht|schaffe es nicht)\b/,
  clauseStartsAfter: [
    'ich',
    'du',
    'er',
    'sie',
    'wir',
    'ihr',
    'aber',
    'und',
    'weil',
    'denn',
    'doch',
    'egal',
  ],
  partner: /\b(?:mann|freund|freundin|partner|partnerin|ex|frau|verlobter)\b/,
  hyperboleAfter:
    /\b(?:wenn|falls|weil|sobald)\b(?! ich (?:gehe|geh|ihn verlasse|sie verlasse|es (?:\w+ )?erzahle|die polizei rufe|abhaue|rede)\b)|\b(?:hab|habe) (?:\w+ ){0,3}?(?:kaputt gemacht|verloren|vergessen|verhauen|versaut|geschrottet|zerkratzt)\b/,
  hyperboleBefore:
    /\b(?:diese|dieser|dieses|die hitze|der job|die arbeit|die schule)\b(?: \w+){0,2} *$/,
};

const pt: LanguagePhrases = {
  families: [
    {
      kind: 'imminent-danger',
      statement: 'direct',
      negationIsPart: true,
      patterns: [
        /\bnao (?:to|tou|estou|me sinto) (?:segura|seguro|a salvo|em seguranca)\b(?= *$| (?:em casa|aqui|agora|com ele|com ela)\b)/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'direct',
      guards: ['laughing-condition', 'game'],
      patterns: [
        /(?<!\b(?:vai|vao|quer|querem|ameacou|ameaca|tentou|tentar|disse que vai) )\bme (?:matar|suicidar|mataria)\b/,
        /\bmatar(?:-| )?me\b/,
        /\b(?:tirar|acabar com|por fim a|por fim na|dar fim a|dar fim na) (?:a )?minha (?:propria )?vida\b/,
        /\b(?:quero|vou|queria|preciso|vontade de|to com vontade de|tenho vontade de|desejo) (?:so |muito )?morrer\b(?! de (?:vergonha|rir|fome|sede|vontade|tedio|sono|calor|frio|saudade|medo|inveja|amor|cansaco|raiva|ciume)\b)/,
        /\b(?:penso|pensando|pensar|pensei|pensamentos?) (?:\w+ ){0,2}?(?:em )?(?:suicidio|me matar|me suicidar|morrer)\b/,
        /\b(?:pensamentos|ideias) suicidas\b/,
        /\b(?:sou|to|tou|estou|me sinto) (?:\w+ )?suicida\b/,
        /\b(?:vou|quero) (?:me )?(?:pular|jogar|atirar) (?:da|de uma|do|de um|na frente do|na frente de um|na frente da) (?:ponte|predio|janela|sacada|viaduto|trem|metro|penhasco|terraco|carro|onibus)\b/,
        /\bacabar com tudo\b(?! (?:isso|o|a|os|as|esse|essa)\b)/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'direct',
      negationIsPart: true,
      patterns: [
        /\bnao (?:quero|aguento) (?:mais )?(?:viver|estar viva|estar vivo)\b(?! (?:em|com|assim|aqui|na|no|nessa|nesse|perto|sozinha|sozinho)\b)/,
        /\bnao quero viver mais\b/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'indirect',
      negationIsPart: true,
      patterns: [
        /\bdormir e (?:nunca mais|nao) acordar\b/,
        /\b(?:nao acordar mais|nunca mais acordar)\b/,
        /\bnao (?:tem|ha|vejo) (?:mais )?(?:sentido|motivo|razao) (?:(?:pra|para|em) )?(?:continuar|viver|seguir)\b/,
        /\b(?:amanha|logo) (?:eu )?(?:ja )?nao vou (?:mais )?estar (?:mais )?aqui\b/,
        /\bnao quero (?:mais acordar|acordar mais|acordar nunca mais|nunca mais acordar)\b/,
        /\bse eu nao existisse\b/,
        /\b(?:sumir|desaparecer) e nunca mais voltar\b/,
        /\bnao (?:tenho|aguento|tenho mais) (?:mais )?forcas? (?:pra|para) (?:viver|continuar|seguir)\b/,
        /\b(?:melhor|mais feliz|mais felizes|mais tranquil\w+)(?: \w+){0,3} (?:quando|se) eu (?:ja )?(?:nao estiver (?:mais )?aqui|nao existir mais|morrer|sumir)\b/,
        /\bquando eu (?:ja )?nao estiver mais aqui\b/,
        /\bnao (?:\w+ ){0,2}?(?:precisar|precisam|precisa|ter que|ter de) mais (?:se preocupar|te preocupar) comigo\b/,
        /\bnao (?:vao|vai|precisam|precisa) mais (?:precisar |ter que )?(?:se preocupar|te preocupar) comigo\b/,
      ],
    },
    {
      kind: 'suicidal-intent',
      statement: 'indirect',
      patterns: [
        /\bmelhor sem mim\b/,
        /\b(?:separei|juntei|guardei|estocando|guardando|juntando) (?:os |as |uns |umas |meus |minhas |todos os |todas as )?(?:comprimidos|remedios|pilulas|calmantes|corda)\b/,
        /\b(?:comprimidos|remedios|pilulas|corda) (?:ja )?(?:prontos|prontas|preparados|separados)\b/,
        /\b(?:cartas?|bilhetes?) de (?:despedida|suicidio)\b/,
        /\b(?:e|essa e|hoje e) (?:a )?minha ultima noite\b(?! (?:em|no|na|aqui|de|com)\b)/,
        /\bninguem (?:\w+ ){0,4}?(?:sentir (?:minha )?falta|sentiria (?:minha )?falta|perceber|perceberia|notar|notaria|ligar|ligaria)(?: \w+){0,3}? se eu (?:\w+ ){0,2}?(?:sumisse|morresse|desaparecesse|nao estivesse|fosse embora|me matasse)\b/,
        /\b(?:sou|me sinto) (?:so )?um (?:peso|fardo)\b(?! (?:pesado|leve)\b)/,
        /\bquero que (?:tudo|isso) (?:acabe|termine|pare) (?:de vez|pra sempre|para sempre)\b/,
        /\b(?:sumir|desaparecer) (?:pra|para) sempre\b/,
        /\bmais (?:feliz|felizes|tranquilos?|tranquilas?) sem mim\b/,
        /\b(?:quero|queria|so queria) dormir (?:pra|para) sempre\b/,
        /\bquantos (?:comprimidos|remedios)(?: \w+){0,3} (?:pra morrer|para morrer|mata|precisa)\b/,
        /\b(?:doei|dei|doando|dando|distribui|distribuindo) (?:todas )?(?:as )?minhas coisas\b(?! (?:velhas|antigas|usadas|pra doacao|para doacao)\b)/,
      ],
    },
    {
      kind: 'self-harm',
      statement: 'direct',
      guards: ['accident', 'game'],
      patterns: [
        /(?<!\b(?:vai|vao|quer|querem) )\bme (?:cortei|corto|cortando|cortar|machucar|machuco|machuquei|machucando|queimei|queimo|queimar|queimando|mutilar|mutilo|ferir|firo|feri)\b/,
        /\bautomutila\w*\b/,
        /\bauto ?(?:lesao|mutilacao)\b/,
        /\b(?:fiz|faco|fazendo|me fiz|fazer) cortes (?:em mim|(?:no|nos|na|nas|em) (?:meu |meus |minha |minhas )?(?:braco|bracos|perna|pernas|pulso|pulsos|coxa|coxas|barriga))\b/,
      ],
    },
    {
      kind: 'self-harm',
      statement: 'indirect',
      patterns: [
        /\bvontade de (?:me cortar|pegar a lamina|pegar a gilete)\b/,
        /\b(?:cortes|feridas) (?:novos|novas|frescos|frescas)\b/,
        /\b(?:lamina|laminas|gilete|giletes)\b(?: \w+){0,3}? (?:do meu lado|ao meu lado|na mao|na minha mao|perto de mim|pronta|prontas)\b/,
      ],
    },
    {
      kind: 'imminent-danger',
      statement: 'direct',
      guards: ['hyperbole'],
      patterns: [
        /\b(?:vai|vao|quer|querem|ameacou|ta ameacando|esta ameacando|disse que vai|tentou) (?:me )?matar(?:-me)?\b(?<!\b(?:quer|querem) matar)/,
        /\b(?:vai|vao|quer|querem|ameacou|ta ameacando|esta ameacando|disse que vai|tentou) me (?:matar|bater|machucar|esfaquear|enforcar)\b/,
        /\b(?:ta|esta|tá) com (?:uma|um) (?:faca|arma|revolver|pistola)\b/,
        /\b(?:ele|ela) (?:tem|pegou) (?:uma|um) (?:faca|arma|revolver|pistola)\b/,
        /\bme ameac(?:a|ou|ando) com (?:uma|um|a|o) (?:faca|arma|revolver|pistola)\b/,
        /\bna (?:minha )?porta(?: \w+){0,3} com (?:uma|um) (?:faca|arma|revolver|pistola)\b/,
        /\b(?:ele|ela) (?:me bate|ta me batendo|esta me batendo|me bateu|me enforcou|ta me enforcando)\b/,
        /\b(?:tomei|engoli|acabei de tomar|acabei de engolir) (?:a cartela inteira|uma cartela inteira|todos os|todas as|a caixa inteira|uma caixa inteira|o vidro inteiro|varios|muitos|muitas|uma duzia de|[1-9]\d+)(?: \w+){0,2}? (?:de )?(?:remedios?|comprimidos|pilulas|calmantes|rivotril|paracetamol|dipirona)\b/,
        /\b(?:tomei|engoli) (?:a|uma) cartela inteira\b/,
        /\b(?:to|tou|estou) (?:na|no|em cima da|em cima do) (?:ponte|beirada|telhado|viaduto|parapeito)\b/,
      ],
    },
    {
      kind: 'imminent-danger',
      statement: 'indirect',
      patterns: [
        /\bme (?:tranquei|escondi|trancando|escondendo) no (?:banheiro|quarto|armario|carro)\b/,
        /\b(?:ele|ela) (?:ta|esta) (?:batendo|esmurrando|chutando) (?:na|a) porta\b/,
      ],
    },
  ],
  negations: ['nao', 'nunca', 'jamais', 'nem'],
  negationsAfter: [],
  negationAfterWindow: 0,
  fillers: [
    'eu',
    'me',
    'vou',
    'quero',
    'queria',
    'to',
    'estou',
    'ja',
    'so',
    'penso',
    'em',
    'de',
    'vontade',
    'tenho',
    'a',
    'mais',
    'prometo',
    'fica',
    'tranquilo',
    'tranquila',
  ],
  media:
    /\b(?:filme|filmes|musica|musicas|letra|episodio|serie|livro|romance|personagem|noticia|noticias|materia|artigo|podcast|documentario|anime|jogo|cena|poema|meme|novela|jornal)\b/,
  quoting: /\b(?:canta|cantava|diz|dizia|disse|chamada|chamado|letra|frase|fala)\b/,
  conditionBefore: /\b(?:se|quando)\b/,
  past: /\b(?:(?:\w+ )?(?:anos|ano|meses|mes) atras|faz (?:\w+ )?(?:anos|ano|meses)|ha (?:\w+ )?(?:anos|meses)|quando eu era|quando era|quando tinha|na escola|na adolescencia|antigamente|antes eu)\b/,
  accident:
    /\b(?:fazendo a barba|barbeando|cozinhando|fogao|forno|panela|ferro|cozinha|sem querer|jogando|cortando (?:cebola|legumes|pao)|academia|cai|tropecei|acidente)\b/,
  recovery:
    /\b(?:\d+|um|uma|dois|duas|tres|quatro|cinco|seis|alguns|algumas|varios|varias) (?:dias?|semanas?|mes|meses|ano|anos) (?:sem (?:me cortar|me machucar|me ferir|me mutilar|automutilacao)|limpa|limpo)\b|\blimp[ao] (?:ha|faz)\b/,
  relapse: /\b(?:recai\w*|de novo|outra vez|voltei a|nao consigo|nao aguento)\b/,
  clauseStartsAfter: [],
  partner: /\b(?:marido|esposa|esposo|namorado|namorada|companheiro|companheira|ex)\b/,
  hyperboleAfter:
    /\b(?:se|quando|porque|pq)\b(?! eu (?:for embora|largar|terminar|contar|denunciar|chamar|sair|falar)\b)|\b(?:quebrei|perdi|esqueci|reprovei|bati|gastei|risquei|estraguei|amassei)\b/,
  // Not "esta": without its accent it is also "está".
  hyperboleBefore: /\b(?:esse|essa|isso|este|isto|esses|essas)\b(?: \w+){0,2} *$/,
};

/**
 * Negations that count before a phrase of any language (not inside it: Portuguese "no" is "in
 * the"): people mix languages, and a Spanish "no" before a phrase that Portuguese shares ("ya no
 * me corto") still negates it.
 */
export const sharedNegations: readonly string[] = [
  'no',
  'not',
  'never',
  'nao',
  'nunca',
  'jamas',
  'jamais',
  'nicht',
  'nie',
  'pas',
  'ne',
  'nem',
];

/** The phrases of every language detection covers. */
export const crisisPhrases: Readonly<Record<CrisisLanguage, LanguagePhrases>> = {
  en,
  es,
  fr,
  de,
  pt,
};

/**
 * Whole-word spellings read as another word before matching: slang, euphemisms that dodge
 * filters, and the commonest typos.
 */
export const wordSubstitutions: Readonly<Record<string, string>> = {
  unalive: 'kill',
  unaliving: 'killing',
  unalived: 'killed',
  sewerslide: 'suicide',
  suicde: 'suicide',
  sucide: 'suicide',
  suiside: 'suicide',
  suicid: 'suicide',
  myslef: 'myself',
  mysef: 'myself',
  mself: 'myself',
  kil: 'kill',
  killl: 'kill',
  wanan: 'wanna',
  jveux: 'je veux',
  jvais: 'je vais',
  jsuis: 'je suis',
  chuis: 'je suis',
  jme: 'je me',
  jpense: 'je pense',
  jmen: 'je men',
  jviens: 'je viens',
  tmrw: 'tomorrow',
  tmr: 'tomorrow',
  tmrow: 'tomorrow',
  tomoz: 'tomorrow',
  '2moro': 'tomorrow',
  q: 'que',
  xq: 'porque',
  vc: 'voce',
};

/** "kms" is "kill myself", unless a number comes before it (5 kms). */
export const killMyselfAbbreviations: readonly string[] = ['kms', 'kmslf'];
