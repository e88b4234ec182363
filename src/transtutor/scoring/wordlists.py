"""The word lists error detection reads (see `transtutor.scoring.lexicon`): stop words,
negation cues, the antonyms a translation teacher marks as critical and the words of each
direction, in English and Chinese. Written for this project: the antonyms that matter are
few and well known, and no PyPI package ships WordNet's data."""

from __future__ import annotations

EN_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "so",
        "yet",
        "if",
        "then",
        "than",
        "that",
        "this",
        "these",
        "those",
        "there",
        "here",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "as",
        "into",
        "onto",
        "upon",
        "over",
        "under",
        "about",
        "above",
        "below",
        "between",
        "among",
        "through",
        "during",
        "before",
        "after",
        "since",
        "until",
        "while",
        "within",
        "without",
        "across",
        "along",
        "around",
        "behind",
        "beyond",
        "against",
        "per",
        "via",
        "be",
        "is",
        "am",
        "are",
        "was",
        "were",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "done",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "i",
        "me",
        "my",
        "mine",
        "we",
        "us",
        "our",
        "ours",
        "you",
        "your",
        "yours",
        "he",
        "him",
        "his",
        "she",
        "her",
        "hers",
        "it",
        "its",
        "they",
        "them",
        "their",
        "theirs",
        "who",
        "whom",
        "whose",
        "which",
        "what",
        "where",
        "when",
        "why",
        "how",
        "all",
        "any",
        "each",
        "every",
        "both",
        "either",
        "some",
        "such",
        "other",
        "another",
        "own",
        "same",
        "also",
        "just",
        "only",
        "very",
        "too",
        "quite",
        "rather",
        "more",
        "most",
        "less",
        "least",
        "much",
        "many",
        "few",
        "several",
        "lot",
        "lots",
        "even",
        "still",
        "already",
        "again",
        "ever",
        "now",
        "then",
        "thus",
        "therefore",
        "however",
        "moreover",
        "furthermore",
        "hence",
        "s",
        "t",
        "re",
        "ve",
        "ll",
        "d",
        "m",
        "o",
        "one",
        "up",
        "out",
        "off",
        "ones",
        "'s",
        "’s",
        "get",
        "got",
        "make",
        "made",
        "take",
        "took",
        "way",
        "thing",
        "things",
        "well",
        "really",
    ]
)

EN_NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "nothing",
        "nobody",
        "nowhere",
        "neither",
        "nor",
        "without",
        "cannot",
        "can't",
        "won't",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "aren't",
        "wasn't",
        "weren't",
        "hasn't",
        "haven't",
        "hadn't",
        "shouldn't",
        "wouldn't",
        "couldn't",
        "mustn't",
        "n't",
    ]
)

ZH_NEGATIONS = frozenset(
    [
        "不",
        "没",
        "没有",
        "无",
        "未",
        "非",
        "别",
        "勿",
        "否",
        "毫无",
        "并非",
        "从未",
        "从不",
        "绝不",
        "并不",
        "并未",
        "尚未",
        "不再",
        "无法",
        "不能",
        "不会",
        "不是",
        "不要",
        "未能",
        "不可",
        "无需",
        "不必",
        "不用",
        "没能",
        "不得",
        "决不",
        "无从",
        "未曾",
        "不曾",
        "不该",
        "不应",
        "无须",
        "别再",
    ]
)

# Single characters that carry meaning on their own: never dropped as function words.
ZH_STOPWORDS = frozenset(
    [
        "的",
        "了",
        "着",
        "过",
        "地",
        "得",
        "之",
        "在",
        "是",
        "和",
        "与",
        "及",
        "以及",
        "并",
        "并且",
        "而",
        "而且",
        "或",
        "或者",
        "也",
        "都",
        "还",
        "就",
        "又",
        "才",
        "把",
        "被",
        "将",
        "从",
        "以",
        "于",
        "对",
        "对于",
        "为",
        "为了",
        "由",
        "向",
        "给",
        "让",
        "使",
        "这",
        "那",
        "该",
        "其",
        "此",
        "这个",
        "那个",
        "这些",
        "那些",
        "这种",
        "一个",
        "一种",
        "我",
        "我们",
        "你",
        "你们",
        "您",
        "他",
        "他们",
        "她",
        "她们",
        "它",
        "它们",
        "自己",
        "大家",
        "个",
        "位",
        "种",
        "些",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "等",
        "等等",
        "中",
        "上",
        "下",
        "里",
        "内",
        "时",
        "时候",
        "已经",
        "正在",
        "目前",
        "如果",
        "因为",
        "所以",
        "但",
        "但是",
        "可以",
        "能",
        "能够",
        "会",
        "要",
        "需要",
        "即",
        "就是",
        "便",
        "则",
        "且",
        "乃",
        "所",
        "者",
        "之一",
        "一些",
        "一直",
        "非常",
        "很",
        "更",
        "最",
        "十分",
        "相当",
        "比较",
        "约",
        "大约",
        "左右",
        "进行",
        "通过",
        "以来",
        "之后",
        "之前",
        "以后",
        "以前",
        "时间",
    ]
)

# Antonym pairs a teacher marks as critical (a lemma in either column has the other as its
# antonym). English lemmas; Chinese words. Prefix negation (unsafe, 不安全) is found by rule.
EN_ANTONYMS = (
    "rise:fall rise:drop rise:decline increase:decrease increase:fall increase:drop "
    "increase:decline increase:reduce increase:cut grow:shrink grow:fall grow:decline "
    "up:down high:low higher:lower highest:lowest more:less more:fewer most:least gain:loss "
    "profit:loss surplus:deficit success:failure succeed:fail win:lose accept:reject "
    "approve:reject allow:forbid allow:prohibit allow:ban permit:prohibit permit:forbid "
    "open:close open:closed start:end start:stop begin:end first:last strong:weak "
    "strengthen:weaken before:after include:exclude positive:negative expand:shrink "
    "expand:contract expand:narrow improve:worsen improve:deteriorate buy:sell import:export "
    "maximum:minimum max:min safe:dangerous safe:unsafe legal:illegal public:private "
    "rich:poor fast:slow early:late earlier:later large:small big:small long:short "
    "wide:narrow easy:difficult easy:hard simple:complex cheap:expensive new:old young:old "
    "hot:cold warm:cold light:heavy light:dark full:empty present:absent inside:outside "
    "internal:external domestic:foreign domestic:international true:false right:wrong "
    "correct:incorrect good:bad better:worse best:worst above:below over:under add:remove "
    "raise:lower raise:cut boost:cut accelerate:slow lend:borrow give:receive send:receive "
    "push:pull arrive:leave enter:exit support:oppose agree:disagree agree:refuse "
    "confirm:deny love:hate like:dislike always:never everything:nothing everyone:nobody "
    "all:none majority:minority rural:urban clean:dirty renewable:fossil past:future "
    "import:exporter online:offline join:leave hire:fire employ:dismiss appreciate:depreciate "
    "inflation:deflation asset:liability credit:debit creditor:debtor north:south east:west "
    "top:bottom male:female sufficient:insufficient adequate:inadequate visible:invisible "
    "likely:unlikely possible:impossible able:unable necessary:unnecessary last:next "
    "yesterday:tomorrow long-term:short-term keep:stop continue:stop continue:halt "
    "continue:end enable:disable activate:deactivate "
    "same:different similar:different many:few often:rarely often:seldom frequently:rarely "
    "usually:rarely common:rare everywhere:nowhere remember:forget appear:disappear "
    "alive:dead live:die life:death birth:death peace:war friend:enemy ally:enemy "
    "victory:defeat winner:loser gain:lose hide:reveal ancient:modern traditional:modern "
    "thick:thin fat:thin deep:shallow near:far attack:defend offense:defense "
    "guilty:innocent polite:rude smart:stupid clever:stupid wise:foolish beautiful:ugly "
    "healthy:sick wet:dry soft:hard quiet:loud quiet:noisy bright:dark "
    "advantage:disadvantage strength:weakness benefit:harm optimistic:pessimistic "
    "optimism:pessimism reward:punish reward:punishment praise:criticize praise:criticism "
    "praise:blame strict:lenient tight:loose real:fake genuine:fake natural:artificial "
    "active:passive major:minor employment:unemployment employed:unemployed awake:asleep "
    "save:waste spend:save income:expense income:expenditure supply:demand buyer:seller "
    "employer:employee man:woman boy:girl husband:wife father:mother son:daughter "
    "brother:sister king:queen day:night morning:evening summer:winter sunrise:sunset "
    "black:white input:output upper:lower forward:backward ahead:behind upward:downward "
    "interior:exterior plus:minus sweet:bitter heaven:hell good:evil lengthen:shorten "
    "extend:shorten widen:narrow tighten:loosen admit:deny attract:repel happy:sad "
    "cheap:costly encrypt:decrypt encryption:decryption encode:decode compress:decompress "
    "upload:download login:logout deposit:withdraw deposit:withdrawal inflow:outflow "
    "inbound:outbound overestimate:underestimate overvalue:undervalue overpay:underpay "
    "overweight:underweight"
)

ZH_ANTONYMS = (
    "上升:下降 上涨:下跌 增加:减少 增长:下降 增长:减少 提高:降低 提升:降低 升高:降低 增强:减弱 "
    "扩大:缩小 扩张:收缩 成功:失败 允许:禁止 接受:拒绝 同意:拒绝 同意:反对 支持:反对 开放:关闭 "
    "开始:结束 强:弱 高:低 多:少 大:小 前:后 之前:之后 以前:以后 盈利:亏损 利润:亏损 进口:出口 "
    "买:卖 买入:卖出 购买:出售 赢:输 胜:负 安全:危险 合法:非法 公开:秘密 公共:私人 富:穷 "
    "快:慢 早:晚 长:短 宽:窄 容易:困难 简单:复杂 便宜:昂贵 新:旧 热:冷 轻:重 满:空 "
    "内部:外部 国内:国外 国内:国际 真:假 正确:错误 好:坏 积极:消极 正面:负面 上:下 加快:放缓 "
    "加速:减速 借出:借入 发送:接收 到达:离开 确认:否认 总是:从不 全部:没有 多数:少数 城市:农村 "
    "清洁:污染 过去:未来 最高:最低 最大:最小 最多:最少 顺差:逆差 盈余:赤字 资产:负债 升值:贬值 "
    "通胀:通缩 北:南 东:西 男:女 充足:不足 足够:不足 可能:不可能 必要:不必要 改善:恶化 "
    "涨:跌 升:降 增:减 加:减 严重:轻微 重大:轻微 更多:更少 超过:低于 高于:低于 以上:以下 "
    "长期:短期 上周:下周 上个月:下个月 去年:明年 昨天:明天 以前:以后 过去:将来 之前:以后 "
    "前:后 最早:最晚 首次:最后 第一:最后 可以:禁止 能:不能 继续:停止 继续:终止 继续:中止 "
    "线上:线下 在线:离线 上线:下线 打开:关闭 开启:关闭 启用:停用 启用:禁用 "
    "快乐:悲伤 高兴:难过 开心:难过 喜欢:讨厌 爱:恨 记得:忘记 记住:忘记 "
    "朋友:敌人 胜利:失败 和平:战争 生:死 活:死 出生:死亡 生存:死亡 相同:不同 "
    "一样:不同 相似:不同 常见:罕见 普遍:罕见 古代:现代 传统:现代 厚:薄 胖:瘦 "
    "深:浅 近:远 进攻:防守 攻击:防御 有罪:无罪 聪明:愚蠢 美丽:丑陋 漂亮:丑陋 "
    "干燥:潮湿 软:硬 安静:吵闹 明亮:黑暗 主要:次要 优势:劣势 优点:缺点 "
    "好处:坏处 出现:消失 乐观:悲观 经常:很少 常常:很少 奖励:惩罚 表扬:批评 "
    "赞扬:批评 严格:宽松 真实:虚假 主动:被动 就业:失业 节省:浪费 节约:浪费 "
    "收入:支出 供给:需求 供应:需求 买方:卖方 雇主:雇员 男人:女人 男性:女性 "
    "白天:夜晚 早上:晚上 夏天:冬天 日出:日落 黑:白 黑色:白色 输入:输出 "
    "前面:后面 向前:向后 上方:下方 甜:苦 天堂:地狱 善:恶 进步:退步 先进:落后 "
    "领先:落后 赞成:反对 肯定:否定 获得:失去 得到:失去 延长:缩短 加强:削弱 "
    "高峰:低谷 顶部:底部 入口:出口 涨价:降价 提前:推迟 提前:延迟 早期:晚期 "
    "起点:终点 首先:最后 承认:否认 吸引:排斥 富裕:贫穷 富有:贫穷 健康:生病 "
    "加密:解密 编码:解码 压缩:解压 上传:下载 存款:取款 存入:取出 流入:流出 登录:退出 "
    "高估:低估 锁定:解锁 上锁:解锁"
)

# Words of one direction against words of the other: not antonyms word for word ("risen" and
# "cut"), but opposite where they stand, so `direction_opposites` counts them only at the same
# place as the reference's word (see `opposites.antonym`).
EN_DIRECTIONS = (
    "rise|increase|grow|climb|soar|surge|raise|boost|expand|lengthen|extend|strengthen|enhance"
    "|accelerate|widen|deepen:fall|drop|decline|decrease|reduce|cut|shrink|shorten|lower|plunge"
    "|slash|weaken|lessen|curb|narrow|slow|contract|tumble"
)

ZH_DIRECTIONS = (
    "上升|增加|增长|提高|提升|升高|增强|扩大|延长|加强|上涨|增多|加快|加速|扩展|深化"
    "|超过|高于|以上|多于|大于|超出"
    ":下降|减少|降低|减弱|缩小|缩短|削减|下跌|减小|压缩|放缓|减速|收缩|缩减|下滑"
    "|低于|以下|少于|小于|不到|不足"
)

CONTRACTED = frozenset(["re", "m", "s", "ve", "ll", "d"])

# Chinese nouns that head a phrase with little meaning of their own, often left implicit in
# English ("international roaming" for 国际漫游服务, "as they fall" for 在下落的过程中):
# leaving one out is a minor omission.
ZH_LIGHT_NOUNS = frozenset(
    ["服务", "过程", "情况", "方面", "形式", "方式", "状态", "现象", "工作", "活动", "领域"]
)

# Stop words that still carry meaning a paraphrase may use ("take" payments for "accept").
LIGHT_STOPWORDS = frozenset(
    [
        "take",
        "took",
        "make",
        "made",
        "get",
        "got",
        "way",
        "thing",
        "things",
        "several",
        "many",
        "much",
        "few",
        "more",
        "most",
        "less",
        "over",
        "under",
        "above",
        "below",
        "before",
        "after",
        "since",
        "until",
        "without",
    ]
)

# Words that start with a negation character and mean no negation.
ZH_NOT_NEGATIONS = frozenset(
    [
        "不断",
        "不停",  # non-stop: "constantly"
        "不时",  # now and then
        "不已",  # endlessly
        "不免",  # unavoidably
        "不由得",  # cannot help (doing)
        "不得了",  # extremely
        "没错",  # that's right
        "未免",  # rather too
        "不过",
        "不仅",
        "不同",
        "不少",
        "不但",
        "不久",
        "不论",
        "不管",
        "不错",
        "不得不",
        "不禁",
        "不如",
        "不然",
        "不只",
        "不光",
        "不止",
        "不外乎",
        "不妨",
        "未来",
        "没准",
        "不一",
        "不一样",
        "不同于",
        "不可或缺",
        "不可思议",
        # "less than", which the direction check compares
        "不足",
    ]
)

# Words that begin with a negation character but name a thing: 不良贷款 (non-performing loans).
ZH_NOT_NEGATION_PREFIXES = ("不良",)

# Gloss words too general to make two Chinese words synonyms.
WEAK_GLOSSES = frozenset(
    [
        "person",
        "thing",
        "matter",
        "kind",
        "sort",
        "type",
        "place",
        "time",
        "way",
        "part",
        "use",
        "make",
        "take",
        "give",
        "put",
        "come",
        "go",
        "get",
        "become",
        "cause",
        "state",
        "particle",
        "measure",
        "word",
        "surname",
        "classifier",
        "sb",
        "sth",
    ]
)
