"""The Feishu (飞书) transport on lark-oapi."""
