"""Asset tickers and the common names traders use for them (the top 30 by market value)."""

from __future__ import annotations

ASSET_NAMES: dict[str, str] = {
    "bitcoin": "BTC", "btc": "BTC", "xbt": "BTC",
    "ether": "ETH", "ethereum": "ETH", "eth": "ETH",
    "tether": "USDT", "usdt": "USDT",
    "binance coin": "BNB", "bnb": "BNB",
    "solana": "SOL", "sol": "SOL",
    "usd coin": "USDC", "usdc": "USDC",
    "ripple": "XRP", "xrp": "XRP",
    "dogecoin": "DOGE", "doge": "DOGE",
    "cardano": "ADA", "ada": "ADA",
    "tron": "TRX", "trx": "TRX",
    "toncoin": "TON", "ton": "TON",
    "avalanche": "AVAX", "avax": "AVAX",
    "shiba inu": "SHIB", "shiba": "SHIB", "shib": "SHIB",
    "polkadot": "DOT", "dot": "DOT",
    "chainlink": "LINK", "link": "LINK",
    "bitcoin cash": "BCH", "bch": "BCH",
    "near protocol": "NEAR", "near": "NEAR",
    "polygon": "POL", "matic": "MATIC", "pol": "POL",
    "litecoin": "LTC", "ltc": "LTC",
    "uniswap": "UNI", "uni": "UNI",
    "internet computer": "ICP", "icp": "ICP",
    "dai": "DAI",
    "aptos": "APT", "apt": "APT",
    "stellar": "XLM", "xlm": "XLM",
    "ethereum classic": "ETC", "etc": "ETC",
    "monero": "XMR", "xmr": "XMR",
    "cosmos": "ATOM", "atom": "ATOM",
    "filecoin": "FIL", "fil": "FIL",
    "hedera": "HBAR", "hbar": "HBAR",
    "arbitrum": "ARB", "arb": "ARB",
    "sui": "SUI",
    "pepe": "PEPE",
    "optimism": "OP",
}

# Quote currencies, longest first so "BTCUSDT" splits as BTC + USDT, not BTCU + SDT.
QUOTES: tuple[str, ...] = (
    "FDUSD", "USDT", "USDC", "BUSD", "TUSD", "DAI", "USD", "EUR", "GBP", "TRY", "BTC", "ETH", "BNB",
)

TICKERS: frozenset[str] = frozenset(ASSET_NAMES.values())
