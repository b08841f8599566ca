"""Which command a clause asks for: prioritized cue patterns, the strongest cue wins."""

from __future__ import annotations

import re

__all__ = [
    "CLOSING_RE",
    "COMMAND_START",
    "FLATTEN_RE",
    "HELP_EXACT",
    "QUESTION_RE",
    "TRY_RE",
    "detect_intent",
    "side_of",
]

# Highest priority first: the first pattern that matches decides.
_RULES: tuple[tuple[int, str, re.Pattern[str]], ...] = tuple(
    (priority, intent, re.compile(pattern))
    for priority, intent, pattern in sorted(
        (
            (98, "autopilot", r"\b(?:auto-?pilot|auto-?trader|reconcil\w*)\b"),
            (
                97,
                "resume",
                (
                    r"\b(?:resume|unhalt|un-halt|unpause|un-pause|unfreeze|restart trading|"
                    r"start trading(?: again)?|continue trading|re-?enable trading|turn trading (?:back )?on|"
                    r"trading back on|(?:lift|cancel|end|clear|remove|undo) (?:the |that )?halt|"
                    r"back to trading|enable trading|allow trading)\b"
                ),
            ),
            (
                95,
                "halt",
                (
                    r"\b(?:halt|kill[- ]?switch|emergency(?: stop)?|panic|"
                    r"stop (?:all )?(?:trading|everything|all|orders|now)|pause (?:all )?(?:trading|everything)|"
                    r"freeze(?: trading| everything)?|disable trading|shut (?:it |everything )?down|"
                    r"stop$|^stop|^pause$|kill everything|hit the brakes|pull the plug)\b"
                ),
            ),
            (
                90,
                "cancel",
                (
                    r"\b(?:cancel|cancell?ed|revoke)\b|\b(?:withdraw|kill|pull|delete|remove|"
                    r"scrap|drop|nuke)\s+(?:\w+\s+){0,3}orders?\b"
                ),
            ),
            (
                88,
                "alert",
                (
                    r"\b(?:alert|alarm|notify|ping me|remind|warn|tell me (?:when|if)|"
                    r"let me know (?:when|if)|message me|text me|email me|watch (?:for|when|if))\b"
                ),
            ),
            (
                87,
                "optimize",
                (
                    r"\b(?:optimi[sz]e|optimi[sz]ation|optimi[sz]ing|tune|tuning|"
                    r"hyper-?param\w*|param(?:eter)? (?:search|sweep)|grid[- ]search\w*|bayes|"
                    r"bayesian|optuna|sweep)\b"
                    # the best settings of a strategy, asked any way round ("find the best sma
                    # settings", "which rsi parameters work best", "fit the macd parameters")
                    r"|\b(?:best|optimal|optimum|ideal)\b(?:\s+\S+){0,4}?\s+(?:params?|parameters|settings|values|combo|"
                    r"combination)\b|\b(?:params?|parameters|settings|values)\b(?:\s+\S+){0,3}?"
                    r"\s+best\b|\b(?:fit|calibrate|search|tune)\b(?:\s+\S+){0,4}?\s+(?:params?|"
                    r"parameters|settings)\b"
                ),
            ),
            (
                86,
                "backtest",
                (
                    r"\b(?:back[- ]?test\w*|simulate|simulation|paper test|"
                    r"how would .* have (?:done|performed|worked)|test (?:the |a |my |this )?\w* ?strategy|"
                    r"run (?:a |the )?test|historical test)\b"
                ),
            ),
            (
                84,
                "risk",
                (
                    r"\b(?:risk|limits|risk settings|risk limits|loss limit|daily loss|"
                    r"max(?:imum)? (?:daily|position|exposure|order|open|loss|number)|exposure limit|"
                    r"position limit|order limit)\b"
                ),
            ),
            (
                80,
                "dashboard",
                (
                    r"\b(?:dashboard|tui|ui|gui|terminal ui|the app|control panel|"
                    r"cockpit|monitor)\b"
                ),
            ),
            (
                76,
                "analyze",
                (
                    r"\b(?:indicators?|charts?|technicals?|candles?|price action|oscillators?)\b"
                    r"(?:\s+\S+){0,3}?\s+(?:say|says|saying|tell|tells|telling|show|shows|showing|"
                    r"suggest\w*|look|looks|looking|read|reads|point|pointing)\b"
                ),
            ),
            (
                75,
                "signals",
                (
                    r"\b(?:should (?:i|we) (?:be )?(?:buy|sell|long|short|trade|get|buying|selling|trading)|buy or sell|"
                    r"what (?:should i|to) (?:buy|sell|trade)|signals?|trade ideas?|ideas|"
                    r"opportunit(?:y|ies)|say about|says about|worth (?:buying|selling)|(?:good|right|bad|smart|wise|great|ideal|best) (?:time|moment|idea|point|entry) to|too (?:late|early|soon) to|wise to|smart to|setups?|scan|screen(?:er)?|good trades?|recommend\w*)\b"
                ),
            ),
            (
                70,
                "trade",
                (
                    r"\b(?:buy|sell|long(?![ -]term)|short(?![ -]term)|purchase|acquire|ape|"
                    r"dump|offload|flog|unload|accumulate|scoop|grab|pick up|invest|bid|close(?! price)|exit|"
                    r"liquidate|flatten|get rid of|take profits? on|place (?:an? )?(?:\w+ )?order|"
                    r"market order|limit order|trade|go flat|get out of|trim|cop|spend|put|get me)\b"
                ),
            ),
            (
                62,
                "balance",
                (
                    r"\b(?:balances?|how much (?:cash|money|usd|usdt|do i have|is in|have i)|"
                    r"how (?:much|many)\s+(?:\w+\s+){0,2}(?:do i (?:have|own|hold)|have i(?: got)?)|"
                    r"funds|wallet|equity|buying power|cash|net worth|account(?: value)?|available)\b"
                ),
            ),
            (
                60,
                "positions",
                (
                    r"\b(?:positions?|holdings?|what do i (?:own|hold|have)|bags?|"
                    r"portfolio|pnl|p&l|profit and loss|exposure|what am i holding)\b"
                ),
            ),
            (61, "orders", r"\b(?:orders?|pending|working|fills?|order history|open trades)\b"),
            (
                64,
                "status",
                (
                    # "are the agents ok?", "is volex working", "any problems with the system"
                    r"^(?:is|are) (?:the |all the |all |our |my |your )?(?:agents?|services?|systems?|"
                    r"workers?|everything|things|anything|processes|components|bot|setup)\b|"
                    r"^(?:is|are) (?:working|running|up|alive|healthy|fine|alright|all right|"
                    r"broken|down)\b|"
                    r"^(?:everything|all|things|agents?|services?|system) (?:ok|okay|alright|"
                    r"all right|fine|good|healthy|working|running|up)\b|^(?:everything|things)$|"
                    r"\b(?:problems?|issues?|errors?|anything wrong|something wrong) with "
                    r"(?:the )?(?:system|agents?|services?|bot|volex|setup)\b"
                ),
            ),
            (
                55,
                "status",
                (
                    r"\b(?:status|health|state|how are things|what is (?:going on|happening|up)|"
                    r"is trading (?:halted|on|off|paused|live|running|enabled)|are we (?:halted|live|trading)|"
                    r"running|uptime|mode|halted\?*|ping|alive|up and running)\b"
                ),
            ),
            (
                52,
                "news",
                (
                    r"\b(?:news|headlines?|sentiment|fear(?:ful)?|greed(?:y)?|fear (?:and|&) greed|"
                    r"mood|what (?:are )?people (?:are )?saying|crowd|social media|reddit)\b"
                ),
            ),
            (
                50,
                "analyze",
                (
                    r"\b(?:analy[sz]e|analysis|analy[sz]ing|look(?:ing)? at|check|outlook|"
                    r"looking|doing|think|thoughts|opinion|view|research|study|review|ta|technicals?|charts?|"
                    r"price|trend|forecast|predict(?:ion)?|evaluate|assess|examine|breakdown|deep dive|"
                    r"report|sentiment|indicators?|how is|what about|tell me about|info|overview)\b"
                ),
            ),
            (
                40,
                "help",
                (
                    r"\b(?:help|what can (?:i|you) (?:say|do|ask)|commands|examples?|how do i|"
                    r"how to|usage|instructions|guide|menu|options)\b"
                ),
            ),
        ),
        key=lambda rule: -rule[0],
    )
)

HELP_EXACT = re.compile(
    r"^\W*(?:please\W*)?(?:help|h|\?|man|usage|commands|examples|what can (?:you|i) (?:do|say|ask)|"
    r"how does this work|what do you do|what are the commands)\W*(?:please\W*)?$"
)
# A clause asked as a yes/no question ("is eth a buy?", "would now be a good time to sell")
# asks for advice, never places an order.
QUESTION_RE = re.compile(r"^(?:is|are|was|were|would|should|does|do|am|will|has|have)\b")
# Verbs that try a named strategy out on history: with a strategy they ask for a backtest
# ("test sma cross on btc", "try macd on sol", "see how the breakout does on eth").
TRY_RE = re.compile(
    r"\b(?:test|tests|testing|try|trial|run|give\b.{0,40}\b(?:a )?(?:try|go|spin|whirl)|"
    r"(?:see|check|show(?: me)?) how|how (?:well )?(?:does|did|would|will|has|have|do)|"
    r"performs?|performed|performance|would have)\b"
)
# Closing words: with a symbol they sell 100 percent of it, alone they flatten everything.
CLOSING_RE = re.compile(
    r"\b(?:close|exit|liquidate|flatten|get out of|go flat|unwind|get rid of|dump|sell off)\b"
)
FLATTEN_RE = re.compile(
    r"\b(?:close|exit|liquidate|flatten|unwind|sell|dump|get out of|go flat)\b"
    r"(?:.*\b(?:everything|all|positions?|portfolio)\b)?"
)
_BUY = re.compile(
    r"\b(?:buy|long|purchase|acquire|ape|accumulate|scoop|grab|pick up|invest|bid|"
    r"go long|cop|add|spend|put|get me)\b"
)
_SELL = re.compile(
    r"\b(?:sell|short|dump|offload|flog|unload|get rid of|take profits? on|exit|close|"
    r"liquidate|flatten|go short|trim|get out of|go flat|unwind)\b"
)
# Words that begin a new command after "and" ("halt and show my positions").
COMMAND_START = re.compile(
    r"^(?:analy[sz]e|show|list|display|buy|sell|halt|cancel|check|give|get|tell|alert|notify|"
    r"backtest|optimi[sz]e|resume|open|close|set|what|how|trade|long|short|liquidate|run|"
    r"stop(?!\s*(?:-?\s*loss|at\b|out\b|\d|\$))|"
    r"exit|flatten|dump|signals?|scan|balance|positions?|orders?|status|risk|ping|remind|warn|"
    r"let|view|see|purchase|unhalt|pause|freeze|spend|"
    r"(?:my |the )?(?:balances?|positions?|orders?|status|risk|limits|portfolio|holdings|signals))\b"
)


def detect_intent(text: str) -> tuple[str, int, re.Match[str] | None]:
    """(intent, priority, the cue that decided it); ('unknown', 0, None) when nothing matches."""
    for priority, intent, pattern in _RULES:
        match = pattern.search(text)
        if match:
            return intent, priority, match
    return "unknown", 0, None


def side_of(text: str) -> str | None:
    """'buy' or 'sell', whichever word comes first; None when neither is said."""
    buy, sell = _BUY.search(text), _SELL.search(text)
    if buy and sell:
        return "buy" if buy.start() < sell.start() else "sell"
    if buy:
        return "buy"
    return "sell" if sell else None
