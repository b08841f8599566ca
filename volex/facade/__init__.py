"""volex.Volex: the one API that the CLI, the shell, the dashboard and HTTP services call.

One class, written in parts by area (market data, the signal model, signals, strategies,
trading, alerts, infrastructure); every part reaches agents only through the runtime.
"""

from __future__ import annotations

from volex.facade.alerts import AlertFacade
from volex.facade.autopilot import AutopilotFacade
from volex.facade.cluster import ClusterFacade
from volex.facade.improve import ImproveFacade
from volex.facade.infra import InfraFacade
from volex.facade.market import MarketFacade
from volex.facade.monitor import MonitorFacade
from volex.facade.news import NewsFacade
from volex.facade.reconcile import ReconcileFacade
from volex.facade.remote_research_jobs import RemoteStrategyFacade
from volex.facade.remote_trading import RemoteTradingFacade
from volex.facade.signals import SignalFacade
from volex.facade.strategies import StrategyFacade
from volex.facade.tokens import TokenFacade
from volex.facade.trading import TradingFacade

__all__ = ["Volex"]


class Volex(MarketFacade, ImproveFacade, SignalFacade, RemoteStrategyFacade, ClusterFacade,
            StrategyFacade, RemoteTradingFacade, TradingFacade, AlertFacade, InfraFacade,
            MonitorFacade, AutopilotFacade, ReconcileFacade, NewsFacade, TokenFacade):
    """Everything a trader can do, as plain methods returning typed objects.

    ``actor`` names who acts (cli, shell, dashboard, agent, remote, api) in the audit log.
    Keyword overrides win over config and env (``Volex(exchange="kraken", offline=True)``)::

        with Volex(offline=True) as volex:
            print(volex.analyze("BTC/USDT").verdict)
    """
