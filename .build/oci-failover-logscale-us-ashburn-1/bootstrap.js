"use strict";
require("./handler.js").handler();
