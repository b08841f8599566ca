"""Front ends that run as long-lived chat bots (Telegram), talking to Volex through the facade."""
