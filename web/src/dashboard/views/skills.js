// Skills: a heat map of borough × skill (levels 1–5) and the mentor/learner pairs for a chosen skill.
import * as Plot from "@observablehq/plot";
import { gql } from "../api.js";
import { h, panel, table, alternative, partialNotice, refusedForSignIn, SIGN_IN_TO_SEE, boroughLink, fmt, chartWidth, SEQUENTIAL } from "../ui.js";

export const HEATMAP_QUERY = `query SkillsHeatmap {
  skills { name category }
  boroughs { code name skills { level skill { name } } }
}`;

export const EXCHANGE_QUERY = `query SkillsExchange($skill: ID!, $minMentorLevel: Int!, $maxLearnerLevel: Int!) {
  skillsExchange(skill: $skill, minMentorLevel: $minMentorLevel, maxLearnerLevel: $maxLearnerLevel) {
    mentor { code name }
    learner { code name }
    mentorLevel
    learnerLevel
    sharedSystems { id name }
  }
}`;

export default {
  name: "skills",
  async render({ search, go }) {
    const heat = await gql(HEATMAP_QUERY);
    const skills = heat.data.skills;
    if (!skills.length) return { title: "Skills", nodes: [h("h1", {}, "Skills"), h("p", {}, "No skills recorded yet.")] };
    const skill = skills.some((s) => s.name === search.get("skill")) ? search.get("skill") : skills[0].name;
    const minMentorLevel = Math.max(1, Math.min(5, Number(search.get("mentor")) || 4));
    const maxLearnerLevel = Math.max(1, Math.min(5, Number(search.get("learner")) || 2));
    const variables = { skill, minMentorLevel, maxLearnerLevel };
    const exchange = await gql(EXCHANGE_QUERY, variables);
    const hidden = refusedForSignIn([...heat.errors, ...exchange.errors]); // levels are members only
    const pairs = exchange.data.skillsExchange || [];
    const cells = heat.data.boroughs.flatMap((b) => (b.skills || []).filter((r) => r && r.level !== null).map((r) => ({ borough: b.name, code: b.code, skill: r.skill.name, level: r.level })));
    const boroughs = heat.data.boroughs.map((b) => b.name);
    const skillNames = skills.map((s) => s.name);
    const levelOf = new Map(cells.map((c) => [`${c.code}\u0000${c.skill}`, c.level]));

    const form = h("form", { class: "controls", onsubmit: (e) => {
      e.preventDefault();
      go({ skill: form.elements.skill.value, mentor: form.elements.mentor.value, learner: form.elements.learner.value });
    } },
      h("label", {}, "Skill ", h("select", { name: "skill" }, skills.map((s) => h("option", { value: s.name, selected: s.name === skill }, s.name)))),
      h("label", {}, "Mentor level at least ", h("input", { type: "number", name: "mentor", min: 1, max: 5, value: minMentorLevel })),
      h("label", {}, "Learner level at most ", h("input", { type: "number", name: "learner", min: 1, max: 5, value: maxLearnerLevel })),
      h("button", { type: "submit" }, "Find pairs"));

    const heatHolder = h("div", { class: "chart scroll", tabindex: "0", role: "region", "aria-label": "Heat map of skill levels" });
    pairs.forEach((p) => (p.__attributes = { "data-pair": `${p.mentor.code}>${p.learner.code}` }));
    const nodes = [
      h("h1", {}, "Skills"),
      h("p", { class: "lead" }, "Self-assessed levels from 1 (none) to 5 (expert): who could teach whom, peer to peer."),
      partialNotice([...heat.errors, ...exchange.errors]),
      form,
      panel(`Mentors and learners for ${skill} (${pairs.length} pairs)`, [{ query: EXCHANGE_QUERY, variables }],
        pairs.length
          ? table(`Pairs for ${skill}, most shared systems first`, [
              { label: "Mentor", value: (p) => boroughLink(p.mentor) },
              { label: "Level", value: (p) => fmt.int(p.mentorLevel), numeric: true },
              { label: "Learner", value: (p) => boroughLink(p.learner) },
              { label: "Level", value: (p) => fmt.int(p.learnerLevel), numeric: true },
              { label: "Shared systems", value: (p) => `${p.sharedSystems.length}${p.sharedSystems.length ? `: ${p.sharedSystems.slice(0, 3).map((s) => s.name).join(", ")}${p.sharedSystems.length > 3 ? "…" : ""}` : ""}` },
            ], pairs, { class: "pairs" })
          : h("p", { class: hidden ? "members-only" : null }, hidden ? `Skill levels are for member councils: ${SIGN_IN_TO_SEE} the pairs.` : "No pair with these levels.")),
      panel("Skill levels by borough", [{ query: HEATMAP_QUERY, variables: {} }],
        hidden ? h("p", { class: "members-only" }, `Skill levels are for member councils: ${SIGN_IN_TO_SEE} the heat map.`) : heatHolder,
        alternative("Table of the skill levels", table("Skill levels by borough", [
          { label: "Borough", value: (b) => boroughLink(b) },
          ...skillNames.map((name) => ({ label: name, value: (b) => fmt.int(levelOf.get(`${b.code}\u0000${name}`) ?? null), numeric: true })),
        ], heat.data.boroughs, { class: "skills-table" }))),
    ];
    const after = async () => {
      if (hidden) return; // no levels to draw
      const width = Math.max(chartWidth(heatHolder), 140 + skillNames.length * 42);
      heatHolder.append(Plot.plot({
        width,
        height: 90 + boroughs.length * 18,
        marginLeft: 140,
        marginBottom: 90,
        padding: 0.05,
        x: { label: null, domain: skillNames, tickRotate: -35 },
        y: { label: null, domain: boroughs },
        color: { type: "ordinal", domain: [1, 2, 3, 4, 5], scheme: SEQUENTIAL, legend: true, label: "Level" },
        ariaLabel: "Heat map of skill levels, borough by skill",
        marks: [
          Plot.cell(cells, { x: "skill", y: "borough", fill: "level", title: (c) => `${c.borough} · ${c.skill}: ${c.level}` }),
          Plot.text(cells, { x: "skill", y: "borough", text: "level", fill: (c) => (c.level >= 4 ? "black" : "white") }),
        ],
      }));
    };
    return { title: "Skills", nodes, after };
  },
};
