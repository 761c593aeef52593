#!/usr/bin/env python3
"""Makes the PyTorch fixtures the runtime tests load: state dicts written by real PyTorch
(torch.save, and safetensors) for FashionResNet (samples/Quickstart) and TinyViT
(Models/TinyViT.cmodel, timm's layout), with an input batch and PyTorch's outputs for it.

Run with Debian's python3-torch: /usr/bin/python3 tests/Dsl.Runtime.Tests/Fixtures/make_fixtures.py
The modules below name their attributes as the generated classes name their fields, which is
what makes the state-dict keys agree."""
import json
import os
import struct

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


class BasicBlock(nn.Module):
    def __init__(self, cin, channels, stride=1):
        super().__init__()
        self.conv2d = nn.Conv2d(cin, channels, 3, stride, 1, bias=False)
        self.batch_norm = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU()
        self.conv2d_1 = nn.Conv2d(channels, channels, 3, 1, 1, bias=False)
        self.batch_norm_1 = nn.BatchNorm2d(channels)
        self.conv2d_2 = nn.Conv2d(cin, channels, 1, stride, bias=False)
        self.batch_norm_2 = nn.BatchNorm2d(channels)
        self.relu_1 = nn.ReLU()

    def forward(self, x):
        y = self.batch_norm_1(self.conv2d_1(self.relu(self.batch_norm(self.conv2d(x)))))
        return self.relu_1(y + self.batch_norm_2(self.conv2d_2(x)))


class FashionResNet(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.conv2d = nn.Conv2d(1, 32, 3, padding=1)
        self.batch_norm = nn.BatchNorm2d(32)
        self.relu = nn.ReLU()
        self.repeat = nn.Sequential(BasicBlock(32, 32), BasicBlock(32, 32))
        self.basic_block = BasicBlock(32, 64, 2)
        self.adaptive_avg_pool2d = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.linear = nn.Linear(64, classes)

    def forward(self, x):
        h = self.relu(self.batch_norm(self.conv2d(x)))
        h = self.basic_block(self.repeat(h))
        return self.linear(self.flatten(self.adaptive_avg_pool2d(h)))


class PatchEmbed(nn.Module):
    def __init__(self, cin, dim, patch):
        super().__init__()
        self.proj = nn.Conv2d(cin, dim, patch, patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, dim * 4)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class TinyViT(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.patch_embed = PatchEmbed(1, 32, 7)
        self.cls_token = nn.Parameter(torch.randn(1, 1, 32) * 0.02)
        self.pos_embed = nn.Parameter(torch.randn(1, 17, 32) * 0.02)
        self.blocks = nn.Sequential(Block(32, 2), Block(32, 2))
        self.norm = nn.LayerNorm(32)
        self.head = nn.Linear(32, classes)

    def forward(self, x):
        x = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        return self.head(self.norm(self.blocks(x))[:, 0])


def save_safetensors(tensors, path):
    """The safetensors format, written by hand: an 8-byte little-endian header length, a JSON
    header of dtypes, shapes and byte offsets, then the raw little-endian data."""
    names = {torch.float32: "F32", torch.int64: "I64"}
    header, blobs, offset = {}, [], 0
    for key in sorted(tensors):
        data = tensors[key].contiguous().numpy().tobytes()
        header[key] = {"dtype": names[tensors[key].dtype], "shape": list(tensors[key].shape),
                       "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def make(name, model):
    with torch.no_grad():
        for module in model.modules():
            # Trained-looking running statistics, so eval mode is not the identity.
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
    model.eval()
    x = torch.rand(4, 1, 28, 28)
    with torch.no_grad():
        y = model(x)
    state = model.state_dict()
    torch.save(state, os.path.join(HERE, f"{name}.pt"))
    save_safetensors(dict(state), os.path.join(HERE, f"{name}.safetensors"))
    torch.save({"input": x, "output": y}, os.path.join(HERE, f"{name}_io.pt"))
    print(name, len(state), "tensors; output", tuple(y.shape))


if __name__ == "__main__":
    torch.manual_seed(20261125)
    make("fashion_resnet", FashionResNet())
    make("tiny_vit", TinyViT())
