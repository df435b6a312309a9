"""Small synthetic bots shared by the NLU tests (no external data)."""

from __future__ import annotations

from oiap.nlu import IntentSpec, SlotSpec

BANKING = (
    IntentSpec(
        code="check_balance",
        name="Check balance",
        reply="Let me check your balance.",
        examples=(
            "what's my balance",
            "how much money do i have",
            "show my account balance",
            "what is the balance on my account",
            "tell me my balance please",
            "how much is left in my account",
            "balance of my checking account",
            "check my balance",
        ),
        slots=(
            SlotSpec(name="account", regex=r"\d{6,12}"),
            SlotSpec(
                name="card_type",
                values={"credit": ["credit card", "visa"], "debit": ["debit card", "bank card"]},
            ),
        ),
    ),
    IntentSpec(
        code="transfer",
        name="Transfer money",
        examples=(
            "send money to my friend",
            "transfer 100 dollars to john",
            "i want to wire money",
            "move money between accounts",
            "make a transfer",
            "pay my brother fifty euros",
            "transfer funds to savings",
            "send cash to alice",
        ),
    ),
    IntentSpec(
        code="lost_card",
        name="Lost card",
        examples=(
            "i lost my card",
            "my card was stolen",
            "block my credit card",
            "someone stole my wallet and cards",
            "freeze my card please",
            "i can't find my debit card",
            "report a lost card",
            "cancel my stolen card",
        ),
    ),
    IntentSpec(
        code="opening_hours",
        name="Opening hours",
        examples=(
            "when are you open",
            "what time does the branch open",
            "opening hours",
            "are you open on sunday",
            "what are your hours",
            "when does the bank close",
            "closing time today",
            "is the branch open tomorrow",
        ),
    ),
)

CHINESE = (
    IntentSpec(
        code="check_balance",
        examples=(
            "我的余额是多少",
            "查询余额",
            "帮我查一下账户余额",
            "我还有多少钱",
            "卡里还有多少钱",
        ),
        slots=(
            SlotSpec(
                name="card_type", values={"credit": ["信用卡"], "debit": ["借记卡", "储蓄卡"]}
            ),
        ),
    ),
    IntentSpec(
        code="transfer",
        examples=("我要转账", "给我朋友转钱", "转账给张三", "汇款到储蓄账户", "帮我转一百块"),
    ),
    IntentSpec(
        code="lost_card",
        examples=("我的卡丢了", "银行卡被偷了", "挂失我的信用卡", "冻结我的卡", "卡找不到了"),
    ),
)
